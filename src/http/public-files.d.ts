/**
 * The demo in public/, packed by scripts/build-public-files.mjs (run by
 * `npm run build:client`, which wrangler's [build] runs before dev and deploy).
 */
declare module "@roomcast/public-files" {
  /** One file: its text, its Content-Type, and a strong ETag of its content. */
  export interface PublicFile {
    body: string;
    type: string;
    etag: string;
  }
  /** By path, e.g. `/index.html`, `/vendor/roomcast-client.js`. */
  const files: Record<string, PublicFile>;
  export default files;
}

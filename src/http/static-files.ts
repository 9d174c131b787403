/**
 * The demo's files, served by the worker itself rather than by Workers static
 * assets: with `[assets]` an asset router runs in front of the worker for every
 * request, WebSocket upgrades included, whatever `run_worker_first` says, and
 * measured locally it cost more per join than the room itself
 * (docs/performance.md). The files are packed into the bundle at build time
 * (`@roomcast/public-files`); the headers below are the ones Workers static
 * assets used to read from public/_headers.
 */
import files from "@roomcast/public-files";

/** On every file: the CSP that keeps user text inert (no inline script runs), and friends. */
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // Revalidated on every load (cheap: an ETag match answers 304), so a deploy is seen at once.
  "Cache-Control": "no-cache",
};

/**
 * The response for a GET/HEAD of a demo file (`/` is `/index.html`), or
 * undefined when `path` is not one.
 * @example app.notFound((c) => staticFile(c.req.raw) ?? c.json(notFound, 404));
 */
export function staticFile(req: Request): Response | undefined {
  if (req.method !== "GET" && req.method !== "HEAD") return undefined;
  const path = new URL(req.url).pathname;
  const file = files[path === "/" ? "/index.html" : path];
  if (!file) return undefined;
  const headers: Record<string, string> = { ...PAGE_HEADERS, "Content-Type": file.type, ETag: file.etag };
  // The SDK bundle may be imported by pages on other origins (a module script
  // needs CORS): public code, no credentials. Apps should rather bundle @roomcast/client.
  if (path.startsWith("/vendor/")) headers["Access-Control-Allow-Origin"] = "*";
  if (req.headers.get("If-None-Match") === file.etag) return new Response(null, { status: 304, headers });
  return new Response(req.method === "HEAD" ? null : file.body, { headers });
}

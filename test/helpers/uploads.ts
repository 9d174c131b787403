/**
 * Uploads through the worker's own fetch handler inside workerd (the path a
 * client takes: worker → room object → R2), and a look into the bucket.
 */
import { env, exports } from "cloudflare:workers";
import type { FileShareFrame } from "../../src/protocol/frames";
import { signTestToken } from "./tokens";

/** What an upload may set; anything left out is a well-formed request. */
export interface UploadOptions {
  token?: string;
  sub?: string;
  type?: string;
  /** Raw `X-File-Name` value (already percent-encoded); undefined: `encodeURIComponent(name)`. */
  rawName?: string;
  name?: string;
  cid?: string;
  /** `Content-Length` to declare; `null` sends none. Default: the body's length. */
  length?: number | null;
  headers?: Record<string, string>;
  /** A stream body instead of `bytes` (declare its length with `length`). */
  stream?: ReadableStream<Uint8Array>;
  query?: string;
}

/**
 * POSTs `bytes` to `/v1/rooms/:room/files`.
 * @example const res = await uploadFile(room, PNG_BYTES, { sub: "alice", type: "image/png", name: "a.png" });
 */
export async function uploadFile(
  room: string,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<Response> {
  const token = options.token ?? (await signTestToken(options.sub ? { sub: options.sub } : {}));
  const headers: Record<string, string> = {
    Authorization: `Bearer ${token}`,
    "Content-Type": options.type ?? "image/png",
    "X-File-Name": options.rawName ?? encodeURIComponent(options.name ?? "file.png"),
    ...options.headers,
  };
  const length = options.length === undefined ? bytes.length : options.length;
  if (length !== null) headers["Content-Length"] = String(length);
  const query = options.query ?? (options.cid ? `?cid=${encodeURIComponent(options.cid)}` : "");
  const body = options.stream ?? bytesStream(bytes);
  return exports.default.fetch(
    new Request(`http://roomcast.localhost/v1/rooms/${room}/files${query}`, {
      method: "POST",
      headers,
      body,
    }),
  );
}

/** An upload that must succeed: its `file_share`. */
export async function shareFile(
  room: string,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<FileShareFrame> {
  const res = await uploadFile(room, bytes, options);
  if (res.status !== 201) throw new Error(`upload failed with ${res.status}: ${await res.text()}`);
  return (await res.json()) as FileShareFrame;
}

/** A stream of `bytes` in 16 KiB chunks (a stream, so no Content-Length is implied). */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 16384));
      offset += 16384;
    },
  });
}

/** Keys of the bucket's objects uploaded into `room` (from their metadata). */
export async function storedKeys(room: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) if (object.customMetadata?.room === room) keys.push(object.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/** GETs a file link (relative, as in frames). */
export function download(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(url, "http://roomcast.localhost"), { headers }));
}

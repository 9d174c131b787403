/**
 * Serving a stored file so it can never run in Roomcast's origin: the stored
 * type with `nosniff` (no guessing HTML from the bytes), a CSP that forbids every
 * load and sandboxes the document (script off, unique origin) if it is opened
 * anyway, and `attachment` for everything but the raster image types. `ETag` /
 * `If-None-Match` and single `Range` requests are answered from R2 directly.
 */
import { fileKey } from "./file-objects";
import { INLINE_TYPES } from "./file-types";

/** The headers every served file carries (tested one by one). */
export const FILE_SAFETY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; sandbox",
  "Referrer-Policy": "no-referrer",
} as const;

/** A byte range resolved against the file's size. */
interface ByteRange {
  offset: number;
  length: number;
}

/**
 * The single range of a `Range` header against `size`: undefined to serve the
 * whole file (no header, another unit, several ranges), `"unsatisfiable"` for 416.
 * @example parseRange("bytes=0-99", 1000) // { offset: 0, length: 100 }
 * @example parseRange("bytes=-100", 1000) // { offset: 900, length: 100 }
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | undefined {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    // A suffix: the last N bytes.
    const n = Math.min(Number(last), size);
    return n === 0 ? "unsatisfiable" : { offset: size - n, length: n };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/**
 * `Content-Disposition` for a stored file: inline only for the raster image types
 * (never SVG or HTML), with an ASCII fallback and the UTF-8 name (RFC 6266).
 * @example contentDisposition("résumé.pdf", "application/pdf")
 * // `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 */
export function contentDisposition(name: string, type: string): string {
  const kind = INLINE_TYPES.has(type) ? "inline" : "attachment";
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The response for file `id` (the link's signature already checked), with
 * `Cache-Control` allowing private caching for `maxAgeSeconds` (until the link
 * expires, at most a link's lifetime: see FileLinkSigner.maxAgeSeconds).
 */
export async function serveFile(
  req: Request,
  bucket: R2Bucket,
  id: string,
  maxAgeSeconds: number,
): Promise<Response> {
  const key = fileKey(id);
  const rangeHeader = req.headers.get("Range");
  const ifNoneMatch = req.headers.get("If-None-Match");
  // A plain GET costs one R2 read; conditions and ranges look at the object first.
  const head = rangeHeader !== null || ifNoneMatch !== null ? await bucket.head(key) : undefined;
  if (head === null) return notFound();
  let range: ByteRange | undefined;
  if (head) {
    if (etagMatches(ifNoneMatch, head.httpEtag)) {
      return new Response(null, { status: 304, headers: { ETag: head.httpEtag, ...FILE_SAFETY_HEADERS } });
    }
    const parsed = parseRange(rangeHeader, head.size);
    if (parsed === "unsatisfiable") {
      return Response.json(
        { error: "range_not_satisfiable", message: `the file has ${head.size} bytes` },
        { status: 416, headers: { "Content-Range": `bytes */${head.size}`, ...FILE_SAFETY_HEADERS } },
      );
    }
    range = parsed;
  }
  const object = await bucket.get(key, range ? { range } : undefined);
  if (object === null) return notFound();
  const type = object.httpMetadata?.contentType ?? "application/octet-stream";
  const headers = new Headers({
    ...FILE_SAFETY_HEADERS,
    "Content-Type": type === "text/plain" ? "text/plain; charset=utf-8" : type,
    "Content-Disposition": contentDisposition(object.customMetadata?.name ?? "file", type),
    ETag: object.httpEtag,
    "Accept-Ranges": "bytes",
    "Cache-Control": `private, max-age=${maxAgeSeconds}`,
  });
  if (range) {
    headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  return new Response(object.body, { status: 200, headers });
}

function notFound(): Response {
  return Response.json(
    { error: "not_found", message: "no such file (it may have been deleted)" },
    { status: 404 },
  );
}

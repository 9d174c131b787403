/**
 * Which files may be uploaded: the declared `Content-Type` must be in
 * `ALLOWED_FILE_TYPES`, and the first bytes must not contradict it (a PNG
 * header for `image/png`, `%PDF-` for PDF, valid UTF-8 without NUL for
 * `text/plain`, …). A renamed HTML page declared as `image/png` is refused.
 */

/** How many leading bytes the sniffer needs to decide (text is checked over this window). */
export const SNIFF_BYTES = 1024;

/** Media types served inline (shown in the page); everything else is an attachment. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

type Check = (head: Uint8Array) => boolean;

const startsWith =
  (...signature: (number | undefined)[]): Check =>
  (head) =>
    signature.every((b, i) => b === undefined || head[i] === b);

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Valid UTF-8 (a sequence cut at the window's end is allowed) with no NUL byte. */
function isPlainText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false;
  // A multi-byte character cut by the sniff window is not an error: drop up to 3 trailing bytes.
  for (let cut = 0; cut <= (complete ? 0 : 3) && cut < head.length; cut++) {
    try {
      utf8.decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // Try a shorter prefix.
    }
  }
  return head.length === 0;
}

/** Signatures of the types Roomcast knows; an allowed type without one is not sniffed. */
const SIGNATURES: Record<string, Check> = {
  "image/png": startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  "image/jpeg": startsWith(0xff, 0xd8, 0xff),
  "image/gif": (head) => startsWith(...ascii("GIF87a"))(head) || startsWith(...ascii("GIF89a"))(head),
  // RIFF, 4 bytes of size, WEBP.
  "image/webp": startsWith(...ascii("RIFF"), undefined, undefined, undefined, undefined, ...ascii("WEBP")),
  "application/pdf": startsWith(...ascii("%PDF-")),
  // A local file header, or the end-of-directory record of an empty archive.
  "application/zip": (head) =>
    startsWith(0x50, 0x4b, 0x03, 0x04)(head) || startsWith(0x50, 0x4b, 0x05, 0x06)(head),
};

/**
 * The media type of a `Content-Type` value: lower case, parameters dropped.
 * @example mediaType("Text/Plain; charset=utf-8") // "text/plain"
 */
export function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Whether the first bytes of a file fit its declared type. `head` is the first
 * {@link SNIFF_BYTES} bytes (or the whole file when `complete`).
 * @example headMatchesType("application/pdf", new TextEncoder().encode("%PDF-1.7"), true) // true
 */
export function headMatchesType(type: string, head: Uint8Array, complete: boolean): boolean {
  if (type === "text/plain") return isPlainText(head, complete);
  const check = SIGNATURES[type];
  return check === undefined || check(head);
}

/** The file name extensions that belong to each known type (the first is canonical). */
export const EXTENSIONS: Record<string, readonly string[]> = {
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "application/pdf": ["pdf"],
  "text/plain": ["txt", "text", "log", "md", "csv"],
  "application/zip": ["zip"],
};

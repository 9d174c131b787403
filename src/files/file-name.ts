/**
 * File names are shown to other users and become the name a browser saves a
 * download under, so they are cleaned rather than trusted: no directories, no
 * control, bidi-override or invisible characters (an RTL override can make
 * `gpj.exe` read as `exe.jpg`), no characters Windows refuses, no leading dots,
 * an extension that matches the stored type, and at most {@link FILE_NAME_MAX_CHARS}.
 */
import { EXTENSIONS } from "./file-types";

/** Longest stored file name, in UTF-16 code units (extension included). */
export const FILE_NAME_MAX_CHARS = 200;

/** The name used when nothing is left after cleaning (or none was given). */
export const DEFAULT_FILE_NAME = "file";

// C0/C1 controls and DEL; bidi marks, embeddings, overrides and isolates; zero-width
// characters and the BOM; line and paragraph separators.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const WINDOWS_RESERVED = /[<>:"|?*]/g;

/**
 * Decodes the `X-File-Name` header (percent-encoded UTF-8). Returns undefined when
 * absent, throws `URIError` when the encoding is malformed.
 * @example decodeFileNameHeader("r%C3%A9sum%C3%A9.pdf") // "résumé.pdf"
 */
export function decodeFileNameHeader(raw: string | null): string | undefined {
  return raw === null ? undefined : decodeURIComponent(raw);
}

/**
 * The name a file is stored and shown under.
 * @example sanitizeFileName("../../etc/passwd", "text/plain") // "passwd.txt"
 * @example sanitizeFileName("photo\u202Egnp.exe", "image/png") // "photognp.exe.png"
 */
export function sanitizeFileName(name: string | undefined, type: string): string {
  let clean = (name ?? "").normalize("NFC");
  // Only the last path segment, whichever separator the client's OS uses.
  clean = clean.slice(Math.max(clean.lastIndexOf("/"), clean.lastIndexOf("\\")) + 1);
  clean = clean
    .replace(INVISIBLE, "")
    .replace(WINDOWS_RESERVED, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+/, "")
    .replace(/[\s.]+$/, "");
  if (clean.length === 0) clean = DEFAULT_FILE_NAME;
  const known = EXTENSIONS[type];
  const dot = clean.lastIndexOf(".");
  const extension = dot > 0 ? clean.slice(dot + 1).toLowerCase() : "";
  // A name whose extension belongs to another type (`page.html` stored as text) gets
  // the right one appended, so a saved download never opens as something else.
  const suffix = known && !known.includes(extension) ? `.${known[0]}` : "";
  const room = FILE_NAME_MAX_CHARS - suffix.length;
  if (clean.length > room) {
    // Keep a short extension whole and shorten the stem instead.
    const keepsExtension = dot > 0 && !suffix && clean.length - dot <= 16;
    const keep = keepsExtension ? clean.slice(dot) : "";
    clean = cutAt(keepsExtension ? clean.slice(0, dot) : clean, room - keep.length) + keep;
  }
  return clean + suffix;
}

/** The first `max` UTF-16 units of `text`, never splitting a surrogate pair. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

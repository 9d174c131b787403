/**
 * The headers of `POST /v1/rooms/:room/files`, checked before a byte of the body
 * is read: the declared length (411 without one, 413 over `MAX_FILE_BYTES`), the
 * declared type (415 outside `ALLOWED_FILE_TYPES`), the file name (cleaned; 400
 * when its percent-encoding is malformed) and the optional `cid`.
 */
import type { Config } from "../config";
import { decodeFileNameHeader, sanitizeFileName } from "../files/file-name";
import { mediaType } from "../files/file-types";
import { type Refusal, RefusalError } from "../protocol/refusal";
import { CID_MAX_CHARS } from "../protocol/schemas";

/** A checked upload request. */
export interface UploadRequest {
  length: number;
  type: string;
  name: string;
  cid?: string | undefined;
}

/** Header carrying the file name, percent-encoded UTF-8 (`encodeURIComponent`). */
export const FILE_NAME_HEADER = "X-File-Name";

/**
 * A `Content-Length` as a number: any run of digits, however long (one too
 * large to hold exactly is still over every limit, Infinity included), or
 * undefined when it is not a byte count (a sign, a fraction, an exponent, hex).
 * @example contentLength("000123") // 123
 */
export function contentLength(raw: string | null | undefined): number | undefined {
  return raw !== null && raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function refuse(refusal: Refusal): never {
  throw new RefusalError(refusal);
}

/**
 * Reads and checks an upload's headers and query, or throws {@link RefusalError}.
 * @example const upload = readUploadRequest(c.req.raw, readConfig(c.env));
 */
export function readUploadRequest(req: Request, config: Config): UploadRequest {
  const rawLength = req.headers.get("Content-Length");
  if (rawLength === null) {
    refuse({ status: 411, code: "length_required", message: "send the file's size in Content-Length" });
  }
  const length = contentLength(rawLength);
  if (length === undefined) {
    refuse({ status: 400, code: "length_mismatch", message: "Content-Length is not a byte count" });
  }
  if (length > config.maxFileBytes) {
    refuse({
      status: 413,
      code: "file_too_large",
      message: `files are limited to ${config.maxFileBytes} bytes`,
    });
  }
  const type = mediaType(req.headers.get("Content-Type") ?? "");
  if (!config.allowedFileTypes.includes(type)) {
    refuse({
      status: 415,
      code: "unsupported_type",
      message: `allowed types: ${config.allowedFileTypes.join(", ")}`,
    });
  }
  let name: string | undefined;
  try {
    name = decodeFileNameHeader(req.headers.get(FILE_NAME_HEADER));
  } catch {
    refuse({
      status: 400,
      code: "invalid_file_name",
      message: `${FILE_NAME_HEADER} must be percent-encoded UTF-8 (encodeURIComponent)`,
    });
  }
  const url = new URL(req.url);
  const cid = url.searchParams.get("cid") ?? undefined;
  const unknown = [...url.searchParams.keys()].find((key) => key !== "cid");
  if (unknown !== undefined || (cid !== undefined && (cid.length === 0 || cid.length > CID_MAX_CHARS))) {
    refuse({
      status: 400,
      code: "invalid_query",
      message: `the only query is cid (1-${CID_MAX_CHARS} chars)`,
    });
  }
  return { length, type, name: sanitizeFileName(name, type), cid };
}

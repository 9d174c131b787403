/**
 * `sendFile`'s transport: `POST /v1/rooms/:room/files` with the raw bytes. In a
 * browser it uses XMLHttpRequest, the only API that reports upload progress
 * (fetch has no upload progress, and streaming request bodies need HTTP/2 and
 * would drop the `Content-Length` the server requires). Elsewhere (Node) it uses
 * `fetch` and reports progress at the start and the end only.
 */
import type { ErrorReason } from "../protocol/codes";
import type { FileShareFrame } from "../protocol/frames";
import { RoomcastError, type RoomcastErrorCode } from "./errors";

/** What can be sent: a browser `File` or `Blob`, or bytes. */
export type FileData = Blob | Uint8Array | ArrayBuffer;

/** One upload, ready to go. */
export interface UploadRequest {
  /** `…/v1/rooms/:room/files?cid=…` */
  url: string;
  token: string;
  body: Blob;
  name: string;
  type: string;
  onProgress: (loaded: number, total: number) => void;
  signal?: AbortSignal | undefined;
}

interface ErrorBody {
  error?: string;
  message?: string;
  retryAfterMs?: number;
  reason?: ErrorReason;
  until?: number | null;
}

function headers(req: UploadRequest): Record<string, string> {
  return {
    Authorization: `Bearer ${req.token}`,
    "Content-Type": req.type,
    // Percent-encoded UTF-8: header values are Latin-1 at best.
    "X-File-Name": encodeURIComponent(req.name),
  };
}

/** The `file_share` of a 200/201, or the {@link RoomcastError} of a refusal. */
function settle(status: number, text: string): FileShareFrame {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status === 200 || status === 201) return body as FileShareFrame;
  const err = (body ?? {}) as ErrorBody;
  const code = (err.error ?? "upload_failed") as RoomcastErrorCode;
  throw new RoomcastError(
    code,
    err.message ?? `the upload failed with HTTP ${status}`,
    err.retryAfterMs,
    undefined,
    {
      status,
      ...(err.reason !== undefined ? { reason: err.reason } : {}),
      ...(err.until !== undefined ? { until: err.until } : {}),
    },
  );
}

function viaXhr(req: UploadRequest, Xhr: typeof XMLHttpRequest): Promise<FileShareFrame> {
  return new Promise((resolve, reject) => {
    const xhr = new Xhr();
    xhr.open("POST", req.url);
    for (const [name, value] of Object.entries(headers(req))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => req.onProgress(e.loaded, e.lengthComputable ? e.total : req.body.size);
    xhr.onload = () => {
      try {
        resolve(settle(xhr.status, xhr.responseText));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => reject(new RoomcastError("upload_failed", "the upload could not reach the server"));
    xhr.onabort = () => reject(new RoomcastError("upload_failed", "the upload was aborted"));
    req.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(req.body);
  });
}

async function viaFetch(req: UploadRequest): Promise<FileShareFrame> {
  req.onProgress(0, req.body.size);
  let res: Response;
  try {
    res = await fetch(req.url, { method: "POST", headers: headers(req), body: req.body, signal: req.signal });
  } catch (err) {
    throw new RoomcastError(
      "upload_failed",
      `the upload failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const frame = settle(res.status, await res.text());
  req.onProgress(req.body.size, req.body.size);
  return frame;
}

/**
 * Uploads one file and resolves with the stored `file_share` (also what the room
 * broadcasts), or rejects with a {@link RoomcastError} carrying the server's code
 * (`file_too_large`, `unsupported_type`, `rate_limited`, …) or `upload_failed`.
 * @example await upload({ url, token, body: file, name: file.name, type: file.type, onProgress })
 */
export function upload(req: UploadRequest): Promise<FileShareFrame> {
  const Xhr = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  return Xhr ? viaXhr(req, Xhr) : viaFetch(req);
}

/**
 * `data` as a Blob of `type` (a File keeps its bytes; bytes are wrapped, not copied).
 * @example asBlob(new Uint8Array([1, 2]), "application/zip")
 */
export function asBlob(data: FileData, type: string): Blob {
  if (data instanceof Blob) return data.type === type ? data : data.slice(0, data.size, type);
  return new Blob([data as BlobPart], { type });
}

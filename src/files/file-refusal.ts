/**
 * Why a file was refused, as plain data: it crosses the worker ↔ room RPC
 * boundary (where thrown errors lose their fields) and becomes either an HTTP
 * refusal (`{error, message}` with `status`) or, for files sent in a frame, an
 * `error` frame.
 */

import type { ErrorReason } from "../protocol/codes";
import type { FileErrorCode } from "../protocol/frames";

/** A refused upload. */
export interface FileRefusal {
  status: 400 | 403 | 411 | 413 | 415 | 429;
  /** Stable code: the HTTP body's `error`. */
  error: FileErrorCode;
  message: string;
  retryAfterMs?: number;
  /** For `banned`, or `forbidden` with `reason: "muted"`: when it ends (null: never), as in the upgrade's `403 banned`. */
  until?: number | null;
  /** For `forbidden`: why (`muted`), as on the `error` frame of a muted user's message. */
  reason?: ErrorReason;
}

/** Thrown by the upload stream so the refusal survives the pipe that aborts. */
export class FileRefusalError extends Error {
  override name = "FileRefusalError";
  constructor(readonly refusal: FileRefusal) {
    super(refusal.message);
  }
}

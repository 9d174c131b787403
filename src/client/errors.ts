/**
 * Errors the client rejects promises with. Each has a stable `code` to switch
 * on: a wire error code from the server (`rate_limited`, `too_large`, …) or one
 * of the client's own (`closed`, `timeout`, `invalid_argument`, `upload_failed`).
 */
import type { ErrorCode } from "../protocol/codes";
import type { ErrorFrame, FileErrorCode } from "../protocol/frames";
import type { CloseInfo } from "./close-policy";

/**
 * The codes a {@link RoomcastError} may carry: a frame's, an upload refusal's
 * (`sendFile`), or the client's own (`upload_failed`: the upload never got an answer).
 */
export type RoomcastErrorCode =
  | ErrorCode
  | FileErrorCode
  | "closed"
  | "timeout"
  | "invalid_argument"
  | "upload_failed";

/**
 * A refused send, a closed client, or a request that timed out.
 * @example
 * try { await client.send(text); }
 * catch (err) { if (err instanceof RoomcastError && err.code === "rate_limited") wait(err.retryAfterMs); }
 */
export class RoomcastError extends Error {
  override name = "RoomcastError";

  constructor(
    readonly code: RoomcastErrorCode,
    message: string,
    /** From a `rate_limited` error frame: when a retry will be accepted. */
    readonly retryAfterMs?: number,
    /**
     * For `closed`: how the connection ended. A refused upgrade has kind
     * `refused`, its HTTP `status` and the server's reason in `error`
     * (`token_invalid`, `token_expired`, `room_forbidden`, `origin_not_allowed`, …).
     */
    readonly close?: CloseInfo,
  ) {
    super(message);
  }

  /** The error for an `error` frame. */
  static fromFrame(frame: ErrorFrame): RoomcastError {
    return new RoomcastError(frame.code, frame.message, frame.retryAfterMs);
  }
}

/**
 * Errors the client rejects promises with. Each has a stable `code` to switch
 * on: a wire error code from the server (`rate_limited`, `too_large`, …) or one
 * of the client's own (`closed`, `timeout`, `invalid_argument`, `upload_failed`,
 * `request_failed`).
 */
import type { ErrorCode, ErrorReason } from "../protocol/codes";
import type { ErrorFrame, FileErrorCode } from "../protocol/frames";
import type { CloseInfo } from "./close-policy";

/**
 * The codes a {@link RoomcastError} may carry: a frame's, an upload refusal's
 * (`sendFile`), or the client's own (`upload_failed`: the upload never got an
 * answer; `request_failed`: neither did a moderator's list read).
 */
export type RoomcastErrorCode =
  | ErrorCode
  | FileErrorCode
  | "closed"
  | "timeout"
  | "invalid_argument"
  | "upload_failed"
  | "request_failed";

/** What some refusals add to their code (see {@link RoomcastError}). */
export interface RoomcastErrorDetails {
  /** Why a `forbidden` was given, when the server says (`muted`). */
  reason?: ErrorReason;
  /** With `reason: "muted"`: when the mute ends (ms since the epoch; null = permanent). */
  until?: number | null;
  /** For an HTTP refusal (`sendFile`): the response's status, e.g. 413 or 415. */
  status?: number;
}

/**
 * A refused send, a closed client, or a request that timed out.
 * @example
 * try { await client.send(text); }
 * catch (err) {
 *   if (err instanceof RoomcastError && err.code === "rate_limited") wait(err.retryAfterMs);
 *   if (err instanceof RoomcastError && err.reason === "muted") say(`muted until ${err.until ?? "forever"}`);
 * }
 */
export class RoomcastError extends Error {
  override name = "RoomcastError";
  /** Why a `forbidden` was given, when the server says: `muted` (see {@link until}). */
  readonly reason?: ErrorReason;
  /** With `reason: "muted"`: when the mute ends (ms since the epoch; null = permanent). */
  readonly until?: number | null;
  /** For an HTTP refusal (`sendFile`): the response's status (413, 415, 403, 429, …). */
  readonly status?: number;

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
    details: RoomcastErrorDetails = {},
  ) {
    super(message);
    // Set only when given, so `"until" in err` and a JSON dump show what the server sent.
    if (details.reason !== undefined) this.reason = details.reason;
    if (details.until !== undefined) this.until = details.until;
    if (details.status !== undefined) this.status = details.status;
  }

  /** The error for an `error` frame (its `reason` and `until` kept). */
  static fromFrame(frame: ErrorFrame): RoomcastError {
    return new RoomcastError(frame.code, frame.message, frame.retryAfterMs, undefined, {
      ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
      ...(frame.until !== undefined ? { until: frame.until } : {}),
    });
  }
}

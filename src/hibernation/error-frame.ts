/**
 * Builds the `error` frames rooms and inboxes send, so every refusal has the same shape:
 * a stable `code`, a human `message`, and `ref` / `retryAfterMs` / `reason` and
 * `until` only when known.
 */
import type { ErrorCode, ErrorReason } from "../protocol/codes";
import type { ErrorFrame } from "../protocol/frames";

/**
 * An `error` frame.
 * @example errorFrame(ErrorCode.RateLimited, "slow down", { ref: "c1", retryAfterMs: 600 })
 */
export function errorFrame(
  code: ErrorCode,
  message: string,
  extra: {
    ref?: string | undefined;
    retryAfterMs?: number | undefined;
    reason?: ErrorReason | undefined;
    /** Sent whenever given, `null` (permanent) included. */
    until?: number | null | undefined;
  } = {},
): ErrorFrame {
  return {
    type: "error",
    code,
    message,
    ...(extra.ref ? { ref: extra.ref } : {}),
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.until !== undefined ? { until: extra.until } : {}),
  } satisfies ErrorFrame;
}

/**
 * The `error` frames rooms and inboxes send for refusals they make on the spot
 * (a bad frame, a rate limit): a stable `code`, a human `message`, and `ref` /
 * `retryAfterMs` / `reason` / `until` only when known. Built by the one frame
 * edge, `refusalFrame` (src/protocol/refusal.ts), so every refusal has one shape.
 */
import type { ErrorCode, ErrorReason } from "../protocol/codes";
import type { ErrorFrame } from "../protocol/frames";
import { refusalFrame } from "../protocol/refusal";

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
  const { ref, ...more } = extra;
  return refusalFrame({ code, message, ...more }, ref);
}

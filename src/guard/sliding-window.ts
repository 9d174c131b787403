/**
 * An exact sliding-window counter: "at most `limit` events in any `windowMs`".
 * A token bucket or a fixed per-minute window would let more through at the
 * edges (a full bucket refills while it drains; two windows meet at a boundary),
 * so `CONNECT_RATE_PER_MINUTE=20` would not mean that the 21st connect in a
 * minute is refused. Keeps at most `limit` timestamps per key.
 */

/** The outcome of one attempt. */
export type WindowVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Decides whether one more event fits beside `times` (ascending, any age) and
 * returns the times to keep. Pure, so it is property-tested.
 * @example slide([0, 10], 1_000, 2, 60_000) // { verdict: { ok: false, retryAfterMs: 59_000 }, kept: [0, 10] }
 */
export function slide(
  times: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
): { verdict: WindowVerdict; kept: number[] } {
  const kept = times.filter((t) => t > now - windowMs);
  if (kept.length >= limit) {
    // The attempt fits once the oldest of the last `limit` events leaves the window.
    const oldest = kept[kept.length - limit] as number;
    return { verdict: { ok: false, retryAfterMs: Math.max(1, oldest + windowMs - now) }, kept };
  }
  kept.push(now);
  return { verdict: { ok: true }, kept };
}

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
  // Not before a lease recorded ahead of now (see `reserve`): the times stay ascending.
  kept.push(Math.max(now, kept[kept.length - 1] ?? now));
  return { verdict: { ok: true }, kept };
}

/**
 * {@link slide} for one event now plus up to `extra` more that the caller may
 * spend until `usableUntil` (a lease, see `connect-lease.ts`). Each reserved
 * event is recorded at `usableUntil`, no earlier than it can really happen, so
 * every window of real events is covered by the recorded ones and the limit
 * stays exact: the last grant before any run of real events already counted
 * all of them. At most half of what is left of the limit after this event is
 * granted, so leases never hand out the last few connects. Pure, so it is
 * property-tested.
 * @example reserve([], 0, 20, 60_000, 4, 1_000) // { verdict: { ok: true }, kept: [0, 1000, 1000, 1000, 1000], granted: 4 }
 * (the lease is recorded where the caller must have spent it: see `GuardDO.lease` for `at`)
 */
export function reserve(
  times: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
  extra: number,
  usableUntil: number,
): { verdict: WindowVerdict; kept: number[]; granted: number } {
  const { verdict, kept } = slide(times, now, limit, windowMs);
  if (!verdict.ok) return { verdict, kept, granted: 0 };
  // Earlier leases may be recorded after `now`: slide took this event no earlier
  // than the newest record, and the grants go no earlier than it either, so the
  // times stay ascending without a sort (a later record only counts for longer,
  // which keeps the limit honest).
  const newest = kept[kept.length - 1] as number;
  const granted = Math.max(0, Math.min(extra, Math.floor((limit - kept.length) / 2)));
  const at = Math.max(usableUntil, newest);
  for (let i = 0; i < granted; i++) kept.push(at);
  return { verdict: { ok: true }, kept, granted };
}

/**
 * Takes back up to `count` unspent reserved events recorded at `at` (a lease
 * whose holder has dropped it, so they will never happen).
 * @example release([0, 1000, 1000], 1000, 1) // [0, 1000]
 */
export function release(times: readonly number[], at: number, count: number): number[] {
  let left = count;
  return times.filter((t) => {
    if (left > 0 && t === at) {
      left -= 1;
      return false;
    }
    return true;
  });
}

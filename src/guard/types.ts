/**
 * What the guard object answers the worker and the rooms. Plain types, shared
 * by both sides of the RPC.
 */

/** Why an IP got a strike (or a block). */
export type StrikeReason = "rate_limit_close" | "invalid_frames" | "content_policy" | "token_failures";

/** One IP block, as the admin API lists it. */
export interface BlockEntry {
  ip: string;
  /** Milliseconds since the epoch; the block lifts itself then. */
  until: number;
  reason: string;
  /** Strikes that led to it (0 for a block an admin made). */
  strikes: number;
}

/** The verdict on one connect or API call from an IP. */
export type Admission =
  | { ok: true }
  | { ok: false; refusal: "blocked"; until: number }
  | { ok: false; refusal: "too_many_connects"; retryAfterMs: number };

/** Connects the worker may admit for one IP without asking again (see `connect-lease.ts`). */
export interface Lease {
  /** How many more connects after this one. */
  extra: number;
  /** Where the shard recorded them (ms since the epoch), to give unspent ones back. */
  at: number;
  /** How long from the request (by the worker's own clock) they may be spent. */
  ms: number;
}

/** {@link Admission} with, when admitted, an optional lease of further connects. */
export type LeasedAdmission = Exclude<Admission, { ok: true }> | { ok: true; lease?: Lease; busy?: boolean };

/** Connects a worker took on lease and did not spend, handed back. */
export interface UnspentLease {
  at: number;
  count: number;
}

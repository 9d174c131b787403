/**
 * One token bucket per user of a room or an inbox: capacity
 * `RATE_LIMIT_PER_MINUTE`, refilled continuously. Neither a new connection nor
 * the object losing its memory (hibernation, eviction, a restart) refills it.
 *
 * The bucket in memory decides. Storage holds a copy that is never fuller than
 * it, so a reload can only be stricter, and it is written only when a take
 * would break that, not on every take:
 *
 * - a take that leaves memory below the stored copy (refilled to the same
 *   instant) stores memory's level minus a reserve of a tenth of the capacity
 *   (not below 0): the next takes, up to the reserve, write nothing. A flood of
 *   a full bucket writes about ten times; a drained bucket is stored empty.
 * - a refusal writes nothing: it takes no token, and what is stored is already
 *   at most what memory has.
 * - one exception, for buckets that refill a token within a second (capacity
 *   60 a minute or more): a take from a full bucket writes nothing. A memory
 *   loss right after it reloads a full bucket, one token more than memory had,
 *   a token that would have come back within the second anyway; hibernation
 *   comes only after seconds of silence, so waiting for it gains nothing.
 *
 * Why this is sound, and what it costs an honest user after a wake-up (at
 * most the reserve, for at most the reserve's refill time): docs/performance.md,
 * "The rate-limit bucket without a write per message".
 */

/** The outcome of taking one token. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

interface Held {
  /** The bucket that decides. */
  live: Bucket;
  /** What storage holds; undefined: no row, i.e. a full bucket. */
  stored: Bucket | undefined;
}

/** The stored copy is this fraction of the capacity below memory's level when written. */
const RESERVE_SHARE = 0.1;

/** A take from a full bucket is not stored when a token refills within this (see the module comment). */
const UNSTORED_REFILL_MS = 1000;

/** Statements of the buckets' table `table` (a fixed name, never user input); exported for the query-plan test. */
export function bucketStatements(table: string) {
  return {
    create: `CREATE TABLE IF NOT EXISTS ${table} (user_id TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL)`,
    select: `SELECT tokens, updated_at FROM ${table} WHERE user_id = ?`,
    upsert: `INSERT INTO ${table} (user_id, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`,
    prune: `DELETE FROM ${table} WHERE updated_at < ?`,
  };
}

/** Per-user token buckets of one object. */
export class RateLimiter {
  readonly #cache = new Map<string, Held>();
  readonly #perMs: number;
  readonly #reserve: number;
  readonly #fullTakeUnstored: boolean;
  // Built once: the hot path reuses the same statement text.
  readonly #sql: ReturnType<typeof bucketStatements>;

  /** `table`: one table per kind of bucket (frames, typing, uploads, services); a fixed name, never user input. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly capacity: number,
    table = "rate_buckets",
  ) {
    this.#perMs = capacity / 60_000;
    this.#reserve = Math.max(1, Math.ceil(capacity * RESERVE_SHARE));
    this.#fullTakeUnstored = 1 / this.#perMs <= UNSTORED_REFILL_MS;
    this.#sql = bucketStatements(table);
    sql.exec(this.#sql.create);
  }

  /** Takes one token from `userId`'s bucket, or says how long until one is available. */
  take(userId: string, now: number): Verdict {
    const held = this.#load(userId);
    const tokens = this.#level(held.live, now);
    if (tokens < 1) {
      // A refused frame costs nothing, so waiting retryAfterMs always succeeds.
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#perMs) };
    }
    const left = tokens - 1;
    held.live = { tokens: left, updatedAt: now };
    const fromFull = tokens >= this.capacity;
    if (this.#level(held.stored, now) > left && !(fromFull && this.#fullTakeUnstored)) {
      held.stored = { tokens: Math.max(0, left - this.#reserve), updatedAt: now };
      this.sql.exec(this.#sql.upsert, userId, held.stored.tokens, now);
    }
    return { ok: true };
  }

  /** The tokens `userId` has at `now` (0 to the capacity, fractional): for tests and diagnostics. */
  available(userId: string, now: number): number {
    return this.#level(this.#load(userId).live, now);
  }

  /**
   * Forgets buckets untouched for a minute: they have refilled completely, so
   * dropping them changes no verdict and keeps the table from growing forever.
   */
  prune(now: number): void {
    const cutoff = now - 60_000;
    this.sql.exec(this.#sql.prune, cutoff);
    // The stored copy is never newer than the live bucket, so both are full.
    for (const [userId, held] of this.#cache) {
      if (held.live.updatedAt < cutoff) this.#cache.delete(userId);
    }
  }

  /** Tokens in `bucket` at `now` (a missing bucket is full). */
  #level(bucket: Bucket | undefined, now: number): number {
    if (!bucket) return this.capacity;
    // A clock that steps back (the object moved machines) must not drain the bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(this.capacity, bucket.tokens + elapsed * this.#perMs);
  }

  #load(userId: string): Held {
    const cached = this.#cache.get(userId);
    if (cached) return cached;
    const row = this.sql.exec<{ tokens: number; updated_at: number }>(this.#sql.select, userId).toArray()[0];
    const stored = row ? { tokens: row.tokens, updatedAt: row.updated_at } : undefined;
    // After a wake-up the stored copy is all there is: it decides until the next take.
    const held: Held = { live: stored ?? { tokens: this.capacity, updatedAt: 0 }, stored };
    this.#cache.set(userId, held);
    return held;
  }
}

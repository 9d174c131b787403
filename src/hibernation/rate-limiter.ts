/**
 * One token bucket per user of a room or an inbox: capacity
 * `RATE_LIMIT_PER_MINUTE`, refilled continuously. Buckets are stored in SQLite
 * (and cached in memory), so neither a new connection nor the object
 * hibernating resets them.
 */

/** The outcome of taking one token. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Per-user token buckets of one object. */
export class RateLimiter {
  readonly #cache = new Map<string, Bucket>();
  readonly #perMs: number;

  // Built once: the hot path (a token per frame) reuses the same statement text.
  readonly #select: string;
  readonly #upsert: string;
  readonly #prune: string;

  /** `table`: one table per kind of bucket (frames, uploads); a fixed name, never user input. */
  constructor(
    private readonly sql: SqlStorage,
    private readonly capacity: number,
    table = "rate_buckets",
  ) {
    this.#perMs = capacity / 60_000;
    this.#select = `SELECT tokens, updated_at FROM ${table} WHERE user_id = ?`;
    this.#upsert = `INSERT INTO ${table} (user_id, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`;
    this.#prune = `DELETE FROM ${table} WHERE updated_at < ?`;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (user_id TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL)`,
    );
  }

  /** Takes one token from `userId`'s bucket, or says how long until one is available. */
  take(userId: string, now: number): Verdict {
    const bucket = this.#load(userId, now);
    // A clock that steps back (the object moved machines) must not drain the bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    const tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.#perMs);
    if (tokens < 1) {
      // A refused frame costs nothing, so waiting retryAfterMs always succeeds.
      this.#store(userId, { tokens, updatedAt: now });
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#perMs) };
    }
    this.#store(userId, { tokens: tokens - 1, updatedAt: now });
    return { ok: true };
  }

  /**
   * Forgets buckets untouched for a minute: they have refilled completely, so
   * dropping them changes no verdict and keeps the table from growing forever.
   */
  prune(now: number): void {
    const cutoff = now - 60_000;
    this.sql.exec(this.#prune, cutoff);
    for (const [userId, bucket] of this.#cache) {
      if (bucket.updatedAt < cutoff) this.#cache.delete(userId);
    }
  }

  #load(userId: string, now: number): Bucket {
    const cached = this.#cache.get(userId);
    if (cached) return cached;
    const row = this.sql.exec<{ tokens: number; updated_at: number }>(this.#select, userId).toArray()[0];
    return row
      ? { tokens: row.tokens, updatedAt: row.updated_at }
      : { tokens: this.capacity, updatedAt: now };
  }

  #store(userId: string, bucket: Bucket): void {
    this.#cache.set(userId, bucket);
    this.sql.exec(this.#upsert, userId, bucket.tokens, bucket.updatedAt);
  }
}

/**
 * Bans and mutes of one room, in SQLite with an in-memory cache in front. The
 * ban check runs on every upgrade and the mute check on every message, so both
 * are answered from memory after the first look-up of a user (a synchronous
 * primary-key read, rebuilt lazily after a wake-up); neither adds a write.
 * Expiry needs no cleanup job: a restriction whose `until` has passed is simply
 * not active any more; expired rows are dropped when the list is read.
 */
import type { BanEntry } from "../../protocol/frames";

/** A ban or a mute: who, until when (ms; null = permanent), why and by whom. */
export type Restriction = BanEntry;

/** The two kinds of restriction, each its own set of rows. */
export type RestrictionKind = "ban" | "mute";

interface Row extends Record<string, SqlStorageValue> {
  user_id: string;
  name: string;
  until: number | null;
  reason: string | null;
  by_id: string;
  by_name: string;
  at: number;
}

/** Creates the table shared by both kinds (idempotent: runs on every wake-up). */
export function createRestrictionsTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS restrictions (
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    until INTEGER,
    reason TEXT,
    by_id TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (kind, user_id)
  )`);
}

/** One kind of restriction (bans or mutes) of one room. */
export class Restrictions {
  /** userId → the stored restriction, or null when there is none (misses are cached too). */
  readonly #cache = new Map<string, Restriction | null>();
  /**
   * Whether no row of this kind is stored (undefined: not asked yet). Most
   * rooms have never banned or muted anyone: then every upgrade's ban check
   * and every message's mute check is answered by this flag, with no look-up
   * per user and no cache entry per user (a 1,000-client storm made 1,000
   * look-ups and kept 1,000 misses in memory).
   */
  #none: boolean | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly kind: RestrictionKind,
  ) {}

  /** The user's restriction if it is in force at `now`. */
  active(userId: string, now: number): Restriction | undefined {
    this.#none ??=
      this.sql.exec("SELECT 1 FROM restrictions WHERE kind = ? LIMIT 1", this.kind).toArray().length === 0;
    if (this.#none) return undefined;
    let entry = this.#cache.get(userId);
    if (entry === undefined) {
      const row = this.sql
        .exec<Row>("SELECT * FROM restrictions WHERE kind = ? AND user_id = ?", this.kind, userId)
        .toArray()[0];
      entry = row ? fromRow(row) : null;
      this.#cache.set(userId, entry);
    }
    return entry && isActive(entry, now) ? entry : undefined;
  }

  /** Stores (or replaces) a restriction. */
  set(entry: Restriction): void {
    this.sql.exec(
      `INSERT INTO restrictions (kind, user_id, name, until, reason, by_id, by_name, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, user_id) DO UPDATE SET name = excluded.name, until = excluded.until,
         reason = excluded.reason, by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at`,
      this.kind,
      entry.user.id,
      entry.user.name,
      entry.until,
      entry.reason ?? null,
      entry.by.id,
      entry.by.name,
      entry.timestamp,
    );
    this.#cache.set(entry.user.id, entry);
    this.#none = false;
  }

  /** Lifts the user's restriction; returns the one that was in force, if any. */
  remove(userId: string, now: number): Restriction | undefined {
    const current = this.active(userId, now);
    this.sql.exec("DELETE FROM restrictions WHERE kind = ? AND user_id = ?", this.kind, userId);
    this.#cache.set(userId, null);
    return current;
  }

  /** Every restriction in force, soonest to expire first (permanent ones last); drops expired rows. */
  list(now: number): Restriction[] {
    this.sql.exec(
      "DELETE FROM restrictions WHERE kind = ? AND until IS NOT NULL AND until <= ?",
      this.kind,
      now,
    );
    for (const [userId, entry] of this.#cache) if (entry && !isActive(entry, now)) this.#cache.delete(userId);
    return this.sql
      .exec<Row>(
        "SELECT * FROM restrictions WHERE kind = ? ORDER BY until IS NULL, until, user_id",
        this.kind,
      )
      .toArray()
      .map(fromRow);
  }
}

function isActive(entry: Restriction, now: number): boolean {
  return entry.until === null || entry.until > now;
}

function fromRow(row: Row): Restriction {
  return {
    user: { id: row.user_id, name: row.name },
    until: row.until,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    by: { id: row.by_id, name: row.by_name },
    timestamp: row.at,
  };
}

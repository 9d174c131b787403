/**
 * The guard object's SQLite tables. Every row expires: a window once its newest
 * event is a minute old, strikes after `STRIKE_WINDOW_MS`, blocks at their
 * `until`; the object's alarm deletes them, so storage stays bounded by recent
 * activity (and a window holds at most its limit of timestamps).
 */
import type { BlockEntry, StrikeReason } from "./types";

/** Kinds of per-IP events counted over a one-minute sliding window. */
export type EventKind = "connect" | "token_failure" | "user_connect";

/** Rows older than this are no longer counted by any window. */
export const EVENT_WINDOW_MS = 60_000;

/** Reads and writes the guard's tables. */
export class GuardStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS windows (ip TEXT NOT NULL, kind TEXT NOT NULL, times TEXT NOT NULL, newest INTEGER NOT NULL, PRIMARY KEY (ip, kind));
      CREATE INDEX IF NOT EXISTS windows_by_newest ON windows (newest);
      CREATE TABLE IF NOT EXISTS strikes (ip TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS strikes_by_ip ON strikes (ip, at);
      CREATE INDEX IF NOT EXISTS strikes_by_at ON strikes (at);
      CREATE TABLE IF NOT EXISTS blocks (ip TEXT PRIMARY KEY, until INTEGER NOT NULL, reason TEXT NOT NULL, strikes INTEGER NOT NULL)`);
  }

  /** The stored times of `ip`'s events of `kind` still inside the window, oldest first. */
  recentEvents(ip: string, kind: EventKind, now: number): number[] {
    const row = this.sql
      .exec<{ times: string }>("SELECT times FROM windows WHERE ip = ? AND kind = ?", ip, kind)
      .toArray()[0];
    return row ? (JSON.parse(row.times) as number[]).filter((t) => t > now - EVENT_WINDOW_MS) : [];
  }

  /** Stores a window's times (deleting it when empty). */
  saveWindow(ip: string, kind: EventKind, times: readonly number[]): void {
    const newest = times[times.length - 1];
    if (newest === undefined) {
      this.sql.exec("DELETE FROM windows WHERE ip = ? AND kind = ?", ip, kind);
      return;
    }
    this.sql.exec(
      "INSERT INTO windows (ip, kind, times, newest) VALUES (?, ?, ?, ?) ON CONFLICT (ip, kind) DO UPDATE SET times = excluded.times, newest = excluded.newest",
      ip,
      kind,
      JSON.stringify(times),
      newest,
    );
  }

  /** Records a strike and returns how many `ip` has since `since`. */
  addStrike(ip: string, at: number, reason: StrikeReason, since: number): number {
    this.sql.exec("INSERT INTO strikes (ip, at, reason) VALUES (?, ?, ?)", ip, at, reason);
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM strikes WHERE ip = ? AND at > ?", ip, since)
      .one().n;
  }

  /** Whether `ip` has a strike after `since`. */
  hasStrikes(ip: string, since: number): boolean {
    return (
      this.sql.exec("SELECT 1 FROM strikes WHERE ip = ? AND at > ? LIMIT 1", ip, since).toArray().length > 0
    );
  }

  clearStrikes(ip: string): void {
    this.sql.exec("DELETE FROM strikes WHERE ip = ?", ip);
  }

  /** Blocks still in force at `now`. */
  activeBlocks(now: number): BlockEntry[] {
    return this.sql
      .exec<{ ip: string; until: number; reason: string; strikes: number }>(
        "SELECT ip, until, reason, strikes FROM blocks WHERE until > ? ORDER BY until",
        now,
      )
      .toArray()
      .map((r) => ({ ip: r.ip, until: r.until, reason: r.reason, strikes: r.strikes }));
  }

  putBlock(block: BlockEntry): void {
    this.sql.exec(
      "INSERT INTO blocks (ip, until, reason, strikes) VALUES (?, ?, ?, ?) ON CONFLICT (ip) DO UPDATE SET until = excluded.until, reason = excluded.reason, strikes = excluded.strikes",
      block.ip,
      block.until,
      block.reason,
      block.strikes,
    );
  }

  /** Deletes the block of `ip`; whether there was one. */
  deleteBlock(ip: string): boolean {
    return this.sql.exec("DELETE FROM blocks WHERE ip = ?", ip).rowsWritten > 0;
  }

  /** Deletes every expired row. */
  prune(now: number, strikeWindowMs: number): void {
    this.sql.exec("DELETE FROM windows WHERE newest <= ?", now - EVENT_WINDOW_MS);
    this.sql.exec("DELETE FROM strikes WHERE at <= ?", now - strikeWindowMs);
    this.sql.exec("DELETE FROM blocks WHERE until <= ?", now);
  }

  /** When the next row expires (for the alarm), or undefined when nothing is stored. */
  nextExpiry(strikeWindowMs: number): number | undefined {
    const row = this.sql
      .exec<{ e: number | null; s: number | null; b: number | null }>(
        "SELECT (SELECT MIN(newest) FROM windows) AS e, (SELECT MIN(at) FROM strikes) AS s, (SELECT MIN(until) FROM blocks) AS b",
      )
      .one();
    const due = [
      row.e === null ? undefined : row.e + EVENT_WINDOW_MS,
      row.s === null ? undefined : row.s + strikeWindowMs,
      row.b ?? undefined,
    ].filter((t): t is number => t !== undefined);
    return due.length > 0 ? Math.min(...due) : undefined;
  }
}

/**
 * Slow mode: while on, a user who is not a moderator may send one message per
 * interval. The interval is a stored setting; when each user last sent is not
 * stored anywhere new: it is the timestamp of their newest message in the
 * history, read once per user after a wake-up and then kept in memory, so
 * slow mode adds no write per message.
 */

/** Where slow mode learns when a user last sent (their newest stored message). */
export type LastSentLookup = (userId: string) => number | undefined;

const SETTING = "slow_mode_ms";

/** The slow-mode setting and per-user send times of one room. */
export class SlowMode {
  #intervalMs: number | undefined;
  readonly #lastSent = new Map<string, number>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly lastSentFromHistory: LastSentLookup,
  ) {
    sql.exec("CREATE TABLE IF NOT EXISTS room_settings (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** The interval in ms (0 = off); read from storage on first use after a wake-up. */
  get intervalMs(): number {
    if (this.#intervalMs === undefined) {
      const row = this.sql
        .exec<{ value: number }>("SELECT value FROM room_settings WHERE key = ?", SETTING)
        .toArray()[0];
      this.#intervalMs = row?.value ?? 0;
    }
    return this.#intervalMs;
  }

  /** Turns slow mode on (`intervalMs` > 0) or off (0). */
  set(intervalMs: number): void {
    this.sql.exec(
      "INSERT INTO room_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      SETTING,
      intervalMs,
    );
    this.#intervalMs = intervalMs;
  }

  /** How long `userId` must still wait before sending, or 0 if they may send now. */
  waitMs(userId: string, now: number): number {
    const interval = this.intervalMs;
    if (interval === 0) return 0;
    let last = this.#lastSent.get(userId);
    if (last === undefined) {
      last = this.lastSentFromHistory(userId) ?? Number.NEGATIVE_INFINITY;
      this.#lastSent.set(userId, last);
    }
    return Math.max(0, last + interval - now);
  }

  /** Notes a stored message (memory only: the message itself is the durable record). */
  sent(userId: string, timestamp: number): void {
    this.#lastSent.set(userId, timestamp);
  }
}

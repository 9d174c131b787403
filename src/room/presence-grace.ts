/**
 * Presence grace: when a user's last socket drops without a clean close (a
 * phone losing signal, a tab killed), their `user_left` is held back for
 * `PRESENCE_GRACE_MS`; if they reconnect within it, neither the leave nor the
 * join is announced. Held departures are rows in SQLite, due at a time the
 * room's alarm fires for, so a room evicted during the grace still announces
 * each of them exactly once. Who is held is cached in memory (rebuilt on first
 * use after a wake-up), so a join asks memory, not storage; due times are only
 * read by the alarm, straight from storage.
 */
import type { UserRef } from "../protocol/frames";

/** Departures waiting for their grace to end. */
export class PresenceGrace {
  #held: Map<string, UserRef> | undefined;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS presence_grace (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, due INTEGER NOT NULL)",
    );
  }

  /** Holds back `user`'s departure until `due` (ms). */
  hold(user: UserRef, due: number): void {
    this.sql.exec(
      "INSERT INTO presence_grace (user_id, name, due) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, due = excluded.due",
      user.id,
      user.name,
      due,
    );
    this.#load().set(user.id, user);
  }

  /** The user came back: forgets their held departure; true if there was one. */
  release(userId: string): boolean {
    const held = this.#load();
    if (!held.delete(userId)) return false;
    this.sql.exec("DELETE FROM presence_grace WHERE user_id = ?", userId);
    return true;
  }

  /** Users whose departure is held (they still count as present). */
  users(): UserRef[] {
    return [...this.#load().values()];
  }

  /** Removes and returns the departures due at `now`. */
  takeDue(now: number): UserRef[] {
    const due = this.sql
      .exec<{ user_id: string; name: string }>(
        "DELETE FROM presence_grace WHERE due <= ? RETURNING user_id, name",
        now,
      )
      .toArray()
      .map((r) => ({ id: r.user_id, name: r.name }));
    for (const user of due) this.#held?.delete(user.id);
    return due;
  }

  /** When the next held departure is due, if any. */
  nextDue(): number | undefined {
    return (
      this.sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM presence_grace").one().due ??
      undefined
    );
  }

  #load(): Map<string, UserRef> {
    if (this.#held) return this.#held;
    const rows = this.sql
      .exec<{ user_id: string; name: string }>("SELECT user_id, name FROM presence_grace")
      .toArray();
    this.#held = new Map(rows.map((r) => [r.user_id, { id: r.user_id, name: r.name }]));
    return this.#held;
  }
}

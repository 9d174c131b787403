/**
 * Presence grace: when a user's last socket drops without a clean close (a
 * phone losing signal, a tab killed), their `user_left` is held back for
 * `PRESENCE_GRACE_MS`; if they reconnect within it, neither the leave nor the
 * join is announced. Held departures are rows in SQLite, due at a time the
 * room's alarm fires for, so a room evicted during the grace still announces
 * each of them exactly once. The rows are cached in memory (rebuilt on first
 * use after a wake-up), so a join asks memory, not storage.
 */
import type { UserRef } from "../protocol/frames";

interface Held {
  user: UserRef;
  due: number;
}

/** Departures waiting for their grace to end. */
export class PresenceGrace {
  #held: Map<string, Held> | undefined;

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
    this.#load().set(user.id, { user, due });
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
    return [...this.#load().values()].map((h) => h.user);
  }

  /** Removes and returns the departures due at `now`. */
  takeDue(now: number): UserRef[] {
    const due = [...this.#load().values()].filter((h) => h.due <= now);
    if (due.length === 0) return [];
    this.sql.exec("DELETE FROM presence_grace WHERE due <= ?", now);
    for (const h of due) this.#held?.delete(h.user.id);
    return due.map((h) => h.user);
  }

  /** When the next held departure is due, if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const h of this.#load().values()) if (next === undefined || h.due < next) next = h.due;
    return next;
  }

  #load(): Map<string, Held> {
    if (this.#held) return this.#held;
    const rows = this.sql
      .exec<{ user_id: string; name: string; due: number }>("SELECT user_id, name, due FROM presence_grace")
      .toArray();
    this.#held = new Map(rows.map((r) => [r.user_id, { user: { id: r.user_id, name: r.name }, due: r.due }]));
    return this.#held;
  }
}

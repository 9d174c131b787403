/**
 * Presence changes waiting for the next batched `presence_diff`. Only the user
 * matters, not the order of their joins and leaves: the flush reports each
 * user's state at that moment.
 *
 * Joins are kept in memory, so a join writes nothing and its welcome is not
 * held by the output gate for a storage commit (that commit was a third of a
 * connect storm's cost). What makes them survive an eviction before the flush
 * is one row per batch: when a batch opens (the first change since the last
 * flush, when the caller arms the alarm anyway) its start time is written, and
 * an instance that did not open the batch itself (it woke up meanwhile)
 * recovers the batch's joins from the sockets' attachments: every live socket
 * accepted since then (`connectedAt`). Leaves are rare and happen off the join
 * path, so they are still written one row per user.
 */
import type { UserRef } from "../protocol/frames";

/** The users whose presence changed since the last flush. */
export class PendingPresence {
  /** Joins noted by this instance since the last flush. */
  readonly #joins = new Map<string, UserRef>();
  /** Whether a batch is open (undefined: not read since this instance woke up). */
  #open: boolean | undefined;
  /** Whether this instance opened the batch (then its memory holds every join of it). */
  #opened = false;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS presence_pending (user_id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS presence_batch (id INTEGER PRIMARY KEY CHECK (id = 1), since INTEGER NOT NULL)`);
  }

  /** Records a join at `now` (in memory); true when it opens a batch (arm the flush). */
  join(user: UserRef, now: number): boolean {
    this.#joins.set(user.id, user);
    return this.#openBatch(now);
  }

  /** Records a leave at `now` (in storage); true when it opens a batch (arm the flush). */
  leave(user: UserRef, now: number): boolean {
    this.sql.exec(
      "INSERT INTO presence_pending (user_id, name) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name",
      user.id,
      user.name,
    );
    return this.#openBatch(now);
  }

  /**
   * Returns and forgets every pending change. `joinedSince` lists the users of
   * the live sockets accepted at or after a time (the batch's start), for a
   * batch this instance did not see open.
   */
  take(joinedSince: (since: number) => UserRef[]): UserRef[] {
    const changed = new Map(this.#joins);
    if (!this.#opened) {
      const row = this.sql.exec<{ since: number }>("SELECT since FROM presence_batch").toArray()[0];
      if (row) for (const user of joinedSince(row.since)) changed.set(user.id, user);
    }
    const left = this.sql
      .exec<{ user_id: string; name: string }>("SELECT user_id, name FROM presence_pending")
      .toArray();
    for (const row of left) changed.set(row.user_id, { id: row.user_id, name: row.name });
    if (left.length > 0) this.sql.exec("DELETE FROM presence_pending");
    if (this.#open !== false) this.sql.exec("DELETE FROM presence_batch");
    this.#joins.clear();
    this.#open = false;
    this.#opened = false;
    return [...changed.values()];
  }

  #openBatch(now: number): boolean {
    if (this.#open === undefined) {
      this.#open =
        this.sql.exec("SELECT 1 FROM presence_batch").toArray().length > 0 ||
        this.sql.exec("SELECT 1 FROM presence_pending LIMIT 1").toArray().length > 0;
    }
    if (this.#open) return false;
    this.sql.exec("INSERT INTO presence_batch (id, since) VALUES (1, ?)", now);
    this.#open = true;
    this.#opened = true;
    return true;
  }
}

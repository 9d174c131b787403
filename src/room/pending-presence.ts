/**
 * Presence changes waiting for the next batched `presence_diff`, kept in SQLite
 * (not memory) so a room that hibernates before the flush still sends it. Only
 * the user matters, not the order of their joins and leaves: the flush reports
 * each user's state at that moment.
 */
import type { UserRef } from "../protocol/frames";

/** The users whose presence changed since the last flush. */
export class PendingPresence {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS presence_pending (user_id TEXT PRIMARY KEY, name TEXT NOT NULL)");
  }

  /** Records a change; returns true when it is the first since the last flush. */
  note(user: UserRef): boolean {
    const first = this.sql.exec("SELECT 1 FROM presence_pending LIMIT 1").toArray().length === 0;
    this.sql.exec(
      "INSERT INTO presence_pending (user_id, name) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name",
      user.id,
      user.name,
    );
    return first;
  }

  /** Returns and forgets every pending change. */
  take(): UserRef[] {
    const users = this.sql
      .exec<{ user_id: string; name: string }>("SELECT user_id, name FROM presence_pending")
      .toArray()
      .map((row) => ({ id: row.user_id, name: row.name }));
    if (users.length > 0) this.sql.exec("DELETE FROM presence_pending");
    return users;
  }
}

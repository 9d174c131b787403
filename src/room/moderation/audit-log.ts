/**
 * The room's moderation audit log: every action as it was broadcast, in
 * SQLite, newest first when read, trimmed to `MODERATION_LOG_LIMIT` entries.
 */
import type { AuditEntry, ModerationFrame } from "../../protocol/frames";

/** A page of the log, newest first. */
export interface AuditLogPage {
  actions: AuditEntry[];
  hasMore: boolean;
}

/** Query of `GET /v1/rooms/:room/moderation`. */
export interface AuditLogRequest {
  /** Only entries with a smaller id (the `id` of the last entry of the previous page). */
  before?: number | undefined;
  limit?: number | undefined;
}

/** The audit log of one room. */
export class AuditLog {
  constructor(
    private readonly sql: SqlStorage,
    private readonly limit: number,
  ) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS moderation_log (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)",
    );
  }

  /** Appends an action (without its `cid`, which belongs to one socket) and trims the log. */
  record(frame: ModerationFrame): void {
    const { type: _type, cid: _cid, ...entry } = frame;
    const { id } = this.sql
      .exec<{ id: number }>(
        "INSERT INTO moderation_log (entry) VALUES (?) RETURNING id",
        JSON.stringify(entry),
      )
      .one();
    if (id > this.limit) this.sql.exec("DELETE FROM moderation_log WHERE id <= ?", id - this.limit);
  }

  /** A page of entries, newest first. */
  page(req: AuditLogRequest, defaultLimit: number): AuditLogPage {
    const limit = req.limit ?? defaultLimit;
    const rows = this.sql
      .exec<{ id: number; entry: string }>(
        "SELECT id, entry FROM moderation_log WHERE id < ? ORDER BY id DESC LIMIT ?",
        req.before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const hasMore = rows.length > limit;
    return {
      actions: rows
        .slice(0, limit)
        .map((r) => ({ id: r.id, ...(JSON.parse(r.entry) as Omit<AuditEntry, "id">) })),
      hasMore,
    };
  }
}

/**
 * A message log in the object's SQLite storage, for rooms and inboxes alike:
 * the single writer assigns `seq`, stores the frame exactly as sent, finds a
 * sender's earlier message by `cid` (retries), pages history, and trims to a
 * limit. Writes are synchronous; the runtime's output gate holds every frame
 * sent afterwards until they are durable, so nothing is acked or broadcast
 * before it is stored.
 */
import type { HistoryRequest } from "../protocol/schemas";

/** What every logged frame has. */
export interface LoggedFrame {
  id: string;
  seq: number;
  timestamp: number;
}

/** A page of frames in ascending seq. */
export interface MessagePage<F> {
  messages: F[];
  hasMore: boolean;
}

/** The columns of a new row besides the frame. */
export interface LogEntry {
  /** The author: with `cid`, the key of retries. */
  userId: string;
  cid?: string | undefined;
}

/** The SQLite-backed message log of one object. */
export class MessageLog<F extends LoggedFrame> {
  #seq: number;
  #lastTimestamp: number;

  private readonly sql: SqlStorage;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly limit: number,
  ) {
    const sql = storage.sql;
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      cid TEXT,
      frame TEXT NOT NULL
    )`);
    sql.exec(
      "CREATE UNIQUE INDEX IF NOT EXISTS messages_user_cid ON messages (user_id, cid) WHERE cid IS NOT NULL",
    );
    // The newest row is the log's state: trimming always keeps it, so seq and
    // the last timestamp need no table of their own (one write fewer per message).
    const newest = sql
      .exec<{ seq: number; frame: string }>("SELECT seq, frame FROM messages ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    this.#seq = newest?.seq ?? 0;
    this.#lastTimestamp = newest ? (JSON.parse(newest.frame) as F).timestamp : 0;
  }

  /** The latest seq assigned (0 for an empty log). */
  get seq(): number {
    return this.#seq;
  }

  /** The smallest seq still kept, or `seq + 1` when nothing is kept. */
  oldestKept(): number {
    const row = this.sql.exec<{ oldest: number | null }>("SELECT MIN(seq) AS oldest FROM messages").one();
    return row.oldest ?? this.#seq + 1;
  }

  /**
   * Stores the frame `build` makes for the next seq and trims the log.
   * Timestamps never decrease, even if the clock does.
   */
  append(entry: LogEntry, now: number, build: (seq: number, timestamp: number) => F): F {
    const seq = this.#seq + 1;
    const timestamp = Math.max(now, this.#lastTimestamp);
    const frame = build(seq, timestamp);
    const text = JSON.stringify(frame);
    // All statements or none: a failed trim must not leave a stored row whose
    // seq the log has not counted (the next append would collide with it).
    this.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO messages (seq, user_id, cid, frame) VALUES (?, ?, ?, ?)",
        seq,
        entry.userId,
        entry.cid ?? null,
        text,
      );
      if (seq > this.limit) this.sql.exec("DELETE FROM messages WHERE seq <= ?", seq - this.limit);
    });
    this.#seq = seq;
    this.#lastTimestamp = timestamp;
    return frame;
  }

  /** The kept message a user sent with `cid`, if any (retries are answered with it). */
  findByCid(userId: string, cid: string): F | undefined {
    const row = this.sql
      .exec<{ frame: string }>("SELECT frame FROM messages WHERE user_id = ? AND cid = ?", userId, cid)
      .toArray()[0];
    return row ? (JSON.parse(row.frame) as F) : undefined;
  }

  /**
   * A page of history: after `after`, before `before`, or the latest, each in
   * ascending seq, with `hasMore` telling whether the page stopped short.
   */
  page(req: HistoryRequest, defaultLimit: number): MessagePage<F> {
    const limit = req.limit ?? defaultLimit;
    let rows: { frame: string }[];
    if (req.after !== undefined) {
      rows = this.sql
        .exec<{ frame: string }>(
          "SELECT frame FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?",
          req.after,
          limit + 1,
        )
        .toArray();
    } else {
      rows = this.sql
        .exec<{ frame: string }>(
          "SELECT frame FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?",
          req.before ?? Number.MAX_SAFE_INTEGER,
          limit + 1,
        )
        .toArray()
        .reverse();
    }
    const hasMore = rows.length > limit;
    if (hasMore) {
      // The extra row only tells that more exist; drop the one furthest from the anchor.
      if (req.after !== undefined) rows.pop();
      else rows.shift();
    }
    return { messages: rows.map((r) => JSON.parse(r.frame) as F), hasMore };
  }
}

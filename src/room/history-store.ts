/**
 * The room's message log in the object's SQLite storage: the single writer
 * assigns `seq`, stores the frame exactly as broadcast, and trims to
 * `HISTORY_LIMIT`. Writes are synchronous; the runtime's output gate holds every
 * frame sent afterwards until they are durable, so nothing is acked or broadcast
 * before it is stored.
 */
import type { RoomMessageFrame } from "../protocol/frames";
import type { HistoryRequest } from "../protocol/schemas";

/** A page of messages in ascending seq. */
export interface MessagePage {
  messages: RoomMessageFrame[];
  hasMore: boolean;
}

/** What the room needs to write a new message. */
export type NewMessage = Omit<RoomMessageFrame, "type" | "id" | "seq" | "timestamp">;

/** The SQLite-backed message log of one room. */
export class HistoryStore {
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
    // The newest row is the room's state: trimming always keeps it, so seq and
    // the last timestamp need no table of their own (one write fewer per message).
    const newest = sql
      .exec<{ seq: number; frame: string }>("SELECT seq, frame FROM messages ORDER BY seq DESC LIMIT 1")
      .toArray()[0];
    this.#seq = newest?.seq ?? 0;
    this.#lastTimestamp = newest ? (JSON.parse(newest.frame) as RoomMessageFrame).timestamp : 0;
  }

  /** The latest seq assigned (0 for an empty room). */
  get seq(): number {
    return this.#seq;
  }

  /** The smallest seq still kept, or `seq + 1` when nothing is kept. */
  oldestKept(): number {
    const row = this.sql.exec<{ oldest: number | null }>("SELECT MIN(seq) AS oldest FROM messages").one();
    return row.oldest ?? this.#seq + 1;
  }

  /**
   * Stores a new message under the next seq and trims the log. Timestamps never
   * decrease, even if the clock does.
   */
  append(message: NewMessage, now: number): RoomMessageFrame {
    const seq = this.#seq + 1;
    const timestamp = Math.max(now, this.#lastTimestamp);
    const frame = {
      type: "room_message",
      id: crypto.randomUUID(),
      seq,
      timestamp,
      ...message,
    } satisfies RoomMessageFrame;
    // Both statements or neither: a failed trim must not leave a stored row whose
    // seq the room has not counted (the next append would collide with it).
    this.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO messages (seq, user_id, cid, frame) VALUES (?, ?, ?, ?)",
        seq,
        message.from.id,
        message.cid ?? null,
        JSON.stringify(frame),
      );
      if (seq > this.limit) this.sql.exec("DELETE FROM messages WHERE seq <= ?", seq - this.limit);
    });
    this.#seq = seq;
    this.#lastTimestamp = timestamp;
    return frame;
  }

  /** The kept message a user sent with `cid`, if any (retries are answered with it). */
  findByCid(userId: string, cid: string): RoomMessageFrame | undefined {
    const row = this.sql
      .exec<{ frame: string }>("SELECT frame FROM messages WHERE user_id = ? AND cid = ?", userId, cid)
      .toArray()[0];
    return row ? (JSON.parse(row.frame) as RoomMessageFrame) : undefined;
  }

  /**
   * A page of history: after `after`, before `before`, or the latest, each in
   * ascending seq, with `hasMore` telling whether the page stopped short.
   */
  page(req: HistoryRequest, defaultLimit: number): MessagePage {
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
    return { messages: rows.map((r) => JSON.parse(r.frame) as RoomMessageFrame), hasMore };
  }
}

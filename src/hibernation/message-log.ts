/**
 * A message log in the object's SQLite storage, for rooms and inboxes alike:
 * the single writer assigns `seq`, stores the frame exactly as sent, finds a
 * sender's earlier message by `cid` (retries), pages history, and trims to a
 * limit. Writes are synchronous; the runtime's output gate holds every frame
 * sent afterwards until they are durable, so nothing is acked or broadcast
 * before it is stored.
 *
 * A retry is detected by the insert itself: `(user_id, cid)` is unique, so an
 * append whose author already has a kept message with that `cid` stores
 * nothing, and only then is the original read (one statement per message, not
 * a look-up before every insert).
 *
 * An inbox keeps several conversations in one log: it opens the log with
 * `threads`, which adds two columns, `thread` (the conversation, i.e. the other
 * user's id, so one conversation can be paged) and `link` (the same message's
 * seq in the other user's log, for read receipts). A room's log has neither.
 */
import type { HistoryRequest } from "../protocol/schemas";

/** What every logged frame has. */
export interface LoggedFrame {
  id: string;
  seq: number;
  timestamp: number;
}

/**
 * What an append did: stored the new frame, or stored nothing because the
 * author's message with the same `cid` is still kept (a retry: `frame` is that
 * original, which may be of another type than the one `build` makes).
 */
export type Appended<T, F> = { kind: "stored"; frame: T } | { kind: "kept"; frame: F };

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
  /** Only in a log opened with `threads`. */
  thread?: string;
  link?: number | null;
}

/** How a log is opened. */
export interface LogOptions {
  /** Messages kept; older ones are trimmed on append. */
  limit: number;
  /** Adds the `thread` and `link` columns (an inbox). */
  threads?: boolean;
}

/** The SQLite-backed message log of one object. */
export class MessageLog<F extends LoggedFrame> {
  #seq: number;
  #lastTimestamp: number;

  private readonly sql: SqlStorage;
  private readonly limit: number;
  private readonly insert: string;
  private readonly findStatement: string;
  private readonly threads: boolean;

  constructor(
    private readonly storage: DurableObjectStorage,
    options: LogOptions,
  ) {
    const sql = storage.sql;
    this.sql = sql;
    this.limit = options.limit;
    this.threads = options.threads === true;
    const extra = this.threads ? ", thread TEXT NOT NULL, link INTEGER" : "";
    sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      cid TEXT,
      frame TEXT NOT NULL${extra}
    )`);
    createCidIndex(sql);
    if (this.threads) {
      sql.exec("CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread, seq)");
    }
    const statements = logStatements(this.threads);
    this.insert = statements.insert;
    this.findStatement = statements.findByCid;
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
   * Stores the frame `build` makes for the next seq and trims the log, unless
   * the author's message with the same `cid` is still kept: then nothing is
   * stored, `extra` does not run, and that message comes back as `kept`.
   * Timestamps never decrease, even if the clock does. `extra` runs in the same
   * transaction, with the frame (an inbox updates its conversation there, a
   * room stores a file's row or its `message.created` event).
   */
  append<T extends F>(
    entry: LogEntry,
    now: number,
    build: (seq: number, timestamp: number) => T,
    extra?: (seq: number, frame: T) => void,
  ): Appended<T, F> {
    const seq = this.#seq + 1;
    const timestamp = Math.max(now, this.#lastTimestamp);
    const frame = build(seq, timestamp);
    const text = JSON.stringify(frame);
    const trim = seq > this.limit;
    const write = (): boolean => {
      const cursor = this.threads
        ? this.sql.exec(
            this.insert,
            seq,
            entry.userId,
            entry.cid ?? null,
            text,
            entry.thread,
            entry.link ?? null,
          )
        : this.sql.exec(this.insert, seq, entry.userId, entry.cid ?? null, text);
      // Nothing written: the (user, cid) pair is taken (a seq clash would throw).
      if (cursor.rowsWritten === 0) return false;
      if (trim) this.sql.exec("DELETE FROM messages WHERE seq <= ?", seq - this.limit);
      extra?.(seq, frame);
      return true;
    };
    // One statement is atomic by itself. Several go in one transaction: a failed
    // trim must not leave a stored row whose seq the log has not counted (the
    // next append would collide with it).
    const stored = trim || extra ? this.storage.transactionSync(write) : write();
    if (!stored) {
      const kept = entry.cid === undefined ? undefined : this.findByCid(entry.userId, entry.cid);
      if (!kept) throw new Error("message log: an insert stored nothing, yet no message holds its cid");
      return { kind: "kept", frame: kept };
    }
    this.#seq = seq;
    this.#lastTimestamp = timestamp;
    return { kind: "stored", frame };
  }

  /** The kept message a user sent with `cid`, if any (retries are answered with it). */
  findByCid(userId: string, cid: string): F | undefined {
    const row = this.sql.exec<{ frame: string }>(this.findStatement, userId, cid).toArray()[0];
    return row ? (JSON.parse(row.frame) as F) : undefined;
  }

  /** When `userId`'s newest kept frame was stored (slow mode reads this once per user after a wake-up). */
  lastTimestampOf(userId: string): number | undefined {
    const row = this.sql
      .exec<{ ts: number }>(
        "SELECT json_extract(frame, '$.timestamp') AS ts FROM messages WHERE user_id = ? ORDER BY seq DESC LIMIT 1",
        userId,
      )
      .toArray()[0];
    return row?.ts;
  }

  /** The kept frame with `seq`, if any. */
  get(seq: number): F | undefined {
    const row = this.sql
      .exec<{ frame: string }>("SELECT frame FROM messages WHERE seq = ?", seq)
      .toArray()[0];
    return row ? (JSON.parse(row.frame) as F) : undefined;
  }

  /**
   * Overwrites the stored frame with the same `seq` (a deleted message's
   * tombstone): the old text is replaced in storage, not hidden. Author and
   * `cid` stay, so a retry of the original still finds it.
   */
  replace(frame: F): void {
    this.sql.exec("UPDATE messages SET frame = ? WHERE seq = ?", JSON.stringify(frame), frame.seq);
  }

  /**
   * The latest seq `userId` wrote in `thread` whose `link` is at most `upTo`
   * (an inbox: the newest of my messages the other user has read), or 0.
   */
  latestLinked(thread: string, userId: string, upTo: number): number {
    const row = this.sql
      .exec<{ seq: number | null }>(
        "SELECT MAX(seq) AS seq FROM messages WHERE thread = ? AND user_id = ? AND link <= ?",
        thread,
        userId,
        upTo,
      )
      .one();
    return row.seq ?? 0;
  }

  /** How many kept messages `userId` wrote in `thread` after `seq` (an inbox: unread ones). */
  countAfter(thread: string, userId: string, seq: number): number {
    return this.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM messages WHERE thread = ? AND user_id = ? AND seq > ?",
        thread,
        userId,
        seq,
      )
      .one().n;
  }

  /**
   * A page of history: after `after`, before `before`, or the latest, each in
   * ascending seq, with `hasMore` telling whether the page stopped short.
   * `thread` limits it to one conversation (logs opened with `threads`).
   */
  page(req: HistoryRequest, defaultLimit: number, thread?: string): MessagePage<F> {
    const limit = req.limit ?? defaultLimit;
    const where = thread === undefined ? "" : " AND thread = ?";
    const scope = thread === undefined ? [] : [thread];
    let rows: { frame: string }[];
    if (req.after !== undefined) {
      rows = this.sql
        .exec<{ frame: string }>(
          `SELECT frame FROM messages WHERE seq > ?${where} ORDER BY seq ASC LIMIT ?`,
          req.after,
          ...scope,
          limit + 1,
        )
        .toArray();
    } else {
      rows = this.sql
        .exec<{ frame: string }>(
          `SELECT frame FROM messages WHERE seq < ?${where} ORDER BY seq DESC LIMIT ?`,
          req.before ?? Number.MAX_SAFE_INTEGER,
          ...scope,
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

/**
 * The log's statements on the message path, built once per log (the hot path
 * reuses the same text); exported for the query-plan test.
 */
export function logStatements(threads: boolean) {
  const columns = threads ? "seq, user_id, cid, frame, thread, link" : "seq, user_id, cid, frame";
  const values = threads ? "?, ?, ?, ?, ?, ?" : "?, ?, ?, ?";
  return {
    // The conflict target names the partial index, so only a taken (user, cid)
    // pair is ignored; a seq clash still throws.
    insert: `INSERT INTO messages (${columns}) VALUES (${values}) ON CONFLICT (user_id, cid) WHERE cid IS NOT NULL DO NOTHING`,
    findByCid: "SELECT frame FROM messages WHERE user_id = ? AND cid = ?",
  };
}

/**
 * The unique index retries are detected by. Every log has had it since its
 * first version, so it normally exists already. Should a log lack it and hold
 * a (user, cid) pair twice, the later rows lose their `cid` before it is built:
 * a retry is then answered with the earliest, as the look-up without the index
 * answered it.
 */
function createCidIndex(sql: SqlStorage): void {
  const create =
    "CREATE UNIQUE INDEX IF NOT EXISTS messages_user_cid ON messages (user_id, cid) WHERE cid IS NOT NULL";
  try {
    sql.exec(create);
  } catch {
    sql.exec(
      "UPDATE messages SET cid = NULL WHERE cid IS NOT NULL AND seq NOT IN (SELECT MIN(seq) FROM messages WHERE cid IS NOT NULL GROUP BY user_id, cid)",
    );
    sql.exec(create);
  }
}

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
 * Trimming goes by amount: the log shows exactly the latest `limit` messages
 * (every read stops at the oldest of them), while the rows below wait until
 * there are a batch of them (trimBatch: a tenth of the limit, at most 1,000)
 * and go in one statement, instead of a delete with every message.
 *
 * An inbox keeps several conversations in one log: it opens the log with
 * `threads`, which adds two columns, `thread` (the conversation, i.e. the other
 * user's id, so one conversation can be paged) and `link` (the same message's
 * seq in the other user's log, for read receipts). A room's log has neither.
 */
import type { HistoryRequest } from "../protocol/schemas";
import { createLogTables, logStatements, trimBatch } from "./message-log-schema";

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
  /** Messages kept (the latest); older ones are trimmed on append. */
  limit: number;
  /** Adds the `thread` and `link` columns (an inbox). */
  threads?: boolean;
}

/** The SQLite-backed message log of one object. */
export class MessageLog<F extends LoggedFrame> {
  #seq: number;
  #lastTimestamp: number;
  /** The smallest seq still stored (trimmed rows wait below the window for a batch), or `seq + 1`. */
  #stored: number;

  private readonly sql: SqlStorage;
  private readonly limit: number;
  private readonly threads: boolean;
  private readonly batch: number;
  private readonly q: ReturnType<typeof logStatements>;

  constructor(
    private readonly storage: DurableObjectStorage,
    options: LogOptions,
  ) {
    const sql = storage.sql;
    this.sql = sql;
    this.limit = options.limit;
    this.threads = options.threads === true;
    this.batch = trimBatch(this.limit);
    createLogTables(sql, this.threads);
    this.q = logStatements(this.threads);
    // The newest row is the log's state: trimming always keeps it, so seq and
    // the last timestamp need no table of their own (one write fewer per message).
    const state = sql.exec<{ oldest: number; seq: number; frame: string }>(this.q.state).toArray()[0];
    this.#seq = state?.seq ?? 0;
    this.#lastTimestamp = state ? (JSON.parse(state.frame) as F).timestamp : 0;
    this.#stored = state?.oldest ?? this.#seq + 1;
  }

  /** The latest seq assigned (0 for an empty log). */
  get seq(): number {
    return this.#seq;
  }

  /** The smallest seq still kept (the latest `limit` messages), or `seq + 1` when nothing is kept. */
  oldestKept(): number {
    return Math.max(this.#stored, this.#seq - this.limit + 1);
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
    const kept = this.oldestKept();
    const floor = seq - this.limit + 1;
    const trim = floor - this.#stored >= this.batch;
    let original: F | undefined;
    const write = (): boolean => {
      if (!this.#insert(seq, entry, text)) {
        // Nothing written: the (user, cid) pair is taken (a seq clash would throw).
        const row = this.#byCid(entry.userId, entry.cid, 0);
        if (!row) throw new Error("message log: an insert stored nothing, yet no row holds its cid");
        if (row.seq >= kept) {
          original = row.frame;
          return false;
        }
        // Trimmed already, only not deleted yet: not a retry's original (as when
        // every append deleted its trimmed row), so the new message takes its place.
        this.sql.exec(this.q.deleteOne, row.seq);
        if (!this.#insert(seq, entry, text)) throw new Error("message log: a cid conflict outlived its row");
      }
      if (trim) this.sql.exec(this.q.trim, floor);
      extra?.(seq, frame);
      return true;
    };
    // One statement is atomic by itself. Several go in one transaction: a failed
    // trim must not leave a stored row whose seq the log has not counted (the
    // next append would collide with it).
    const stored = trim || extra ? this.storage.transactionSync(write) : write();
    if (!stored) return { kind: "kept", frame: original as F };
    this.#seq = seq;
    this.#lastTimestamp = timestamp;
    if (trim) this.#stored = floor;
    return { kind: "stored", frame };
  }

  /** The kept message a user sent with `cid`, if any (retries are answered with it). */
  findByCid(userId: string, cid: string): F | undefined {
    return this.#byCid(userId, cid, this.oldestKept())?.frame;
  }

  /** When `userId`'s newest kept frame was stored (slow mode reads this once per user after a wake-up). */
  lastTimestampOf(userId: string): number | undefined {
    const row = this.sql
      .exec<{ ts: number }>(
        "SELECT json_extract(frame, '$.timestamp') AS ts FROM messages WHERE user_id = ? AND seq >= ? ORDER BY seq DESC LIMIT 1",
        userId,
        this.oldestKept(),
      )
      .toArray()[0];
    return row?.ts;
  }

  /** The kept frame with `seq`, if any. */
  get(seq: number): F | undefined {
    if (seq < this.oldestKept()) return undefined;
    const row = this.sql.exec<{ frame: string }>(this.q.get, seq).toArray()[0];
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
        "SELECT MAX(seq) AS seq FROM messages WHERE thread = ? AND seq >= ? AND user_id = ? AND link <= ?",
        thread,
        this.oldestKept(),
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
        Math.max(seq, this.oldestKept() - 1),
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
    const scope = thread === undefined ? [] : [thread];
    const oldest = this.oldestKept();
    const { pageAfter, pageBefore, threadAfter, threadBefore } = this.q;
    const inThread = thread !== undefined;
    if (inThread && !(threadAfter && threadBefore)) throw new Error("message log: no threads in this log");
    let rows: { frame: string }[];
    if (req.after !== undefined) {
      rows = this.sql
        .exec<{ frame: string }>(
          inThread ? (threadAfter as string) : pageAfter,
          Math.max(req.after, oldest - 1),
          ...scope,
          limit + 1,
        )
        .toArray();
    } else {
      rows = this.sql
        .exec<{ frame: string }>(
          inThread ? (threadBefore as string) : pageBefore,
          req.before ?? Number.MAX_SAFE_INTEGER,
          oldest,
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

  /** Inserts a row; false when its author's `cid` is taken (nothing written). */
  #insert(seq: number, entry: LogEntry, text: string): boolean {
    const cid = entry.cid ?? null;
    const cursor = this.threads
      ? this.sql.exec(this.q.insert, seq, entry.userId, cid, text, entry.thread, entry.link ?? null)
      : this.sql.exec(this.q.insert, seq, entry.userId, cid, text);
    return cursor.rowsWritten > 0;
  }

  /** The author's row holding `cid` at or above `from`. */
  #byCid(userId: string, cid: string | undefined, from: number): { seq: number; frame: F } | undefined {
    if (cid === undefined) return undefined;
    const row = this.sql.exec<{ seq: number; frame: string }>(this.q.byCid, userId, cid, from).toArray()[0];
    return row ? { seq: row.seq, frame: JSON.parse(row.frame) as F } : undefined;
  }
}

/**
 * The message log's table, its indexes and the statements it runs, apart from
 * the log's logic (message-log.ts) so that the query-plan test can check every
 * statement the message path runs (none may scan the table).
 */

/** The log's statements, built once per log: the hot path reuses the same text. */
export function logStatements(threads: boolean) {
  const columns = threads ? "seq, user_id, cid, frame, thread, link" : "seq, user_id, cid, frame";
  const values = threads ? "?, ?, ?, ?, ?, ?" : "?, ?, ?, ?";
  const page = {
    pageAfter: "SELECT frame FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?",
    pageBefore: "SELECT frame FROM messages WHERE seq < ? AND seq >= ? ORDER BY seq DESC LIMIT ?",
  };
  // One conversation of an inbox's log.
  const threadPage = {
    threadAfter: "SELECT frame FROM messages WHERE seq > ? AND thread = ? ORDER BY seq ASC LIMIT ?",
    threadBefore:
      "SELECT frame FROM messages WHERE seq < ? AND seq >= ? AND thread = ? ORDER BY seq DESC LIMIT ?",
  };
  return {
    /** The newest row (the log's seq and last timestamp) and the oldest seq stored, once per wake-up. */
    state:
      "SELECT (SELECT MIN(seq) FROM messages) AS oldest, seq, frame FROM messages ORDER BY seq DESC LIMIT 1",
    // The conflict target names the partial index, so only a taken (user, cid)
    // pair is ignored; a seq clash still throws.
    insert: `INSERT INTO messages (${columns}) VALUES (${values}) ON CONFLICT (user_id, cid) WHERE cid IS NOT NULL DO NOTHING`,
    /** An author's row by `cid`, at or above a seq (the oldest visible one, or 0). */
    byCid: "SELECT seq, frame FROM messages WHERE user_id = ? AND cid = ? AND seq >= ?",
    /** One row, by seq (a trimmed row in the way of a new one, see MessageLog.append). */
    deleteOne: "DELETE FROM messages WHERE seq = ?",
    /** Everything below a seq: the batch trim. */
    trim: "DELETE FROM messages WHERE seq < ?",
    get: "SELECT frame FROM messages WHERE seq = ?",
    ...page,
    ...(threads ? threadPage : {}),
  };
}

/**
 * Creates the log's table and indexes if missing (cheap and idempotent: it
 * runs on every wake-up).
 */
export function createLogTables(sql: SqlStorage, threads: boolean): void {
  const extra = threads ? ", thread TEXT NOT NULL, link INTEGER" : "";
  sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY,
      user_id TEXT NOT NULL,
      cid TEXT,
      frame TEXT NOT NULL${extra}
    )`);
  createCidIndex(sql);
  if (threads) sql.exec("CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread, seq)");
}

/**
 * Rows kept beyond the limit before a trim deletes them in one statement: a
 * tenth of the limit, at least 1, at most 1,000 (one delete stays short).
 * @example trimBatch(1000) // 100
 */
export function trimBatch(limit: number): number {
  return Math.min(1000, Math.max(1, Math.ceil(limit / 10)));
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

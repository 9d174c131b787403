/**
 * The conversations of one inbox, in SQLite: for each other user, their name,
 * the latest seq of the conversation, how far the owner has read it, and how
 * far the other user has read the owner's messages (both as seqs of this
 * inbox). Unread counts are derived from the message log, never stored, so
 * they cannot drift from what is kept.
 */
import type { UserRef } from "../protocol/frames";

/** One row of the table. */
export interface Conversation {
  with: UserRef;
  lastSeq: number;
  /** The owner has read the other user's messages up to this seq. */
  readByMe: number;
  /** The other user has read the owner's messages up to this seq. */
  readByThem: number;
}

type Row = {
  peer: string;
  name: string;
  last_seq: number;
  read_by_me: number;
  read_by_them: number;
};

function fromRow(row: Row): Conversation {
  return {
    with: { id: row.peer, name: row.name },
    lastSeq: row.last_seq,
    readByMe: row.read_by_me,
    readByThem: row.read_by_them,
  };
}

/** The conversation table of one inbox. */
export class Conversations {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS conversations (
      peer TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      last_seq INTEGER NOT NULL,
      read_by_me INTEGER NOT NULL DEFAULT 0,
      read_by_them INTEGER NOT NULL DEFAULT 0
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS conversations_recent ON conversations (last_seq)");
  }

  /** Records a new message with `peer` at `seq` (and their latest name). */
  touch(peer: UserRef, seq: number): void {
    this.sql.exec(
      "INSERT INTO conversations (peer, name, last_seq) VALUES (?, ?, ?) ON CONFLICT (peer) DO UPDATE SET name = excluded.name, last_seq = excluded.last_seq",
      peer.id,
      peer.name,
      seq,
    );
  }

  /** The conversation with `peer`, if there is one. */
  get(peer: string): Conversation | undefined {
    const row = this.sql.exec<Row>("SELECT * FROM conversations WHERE peer = ?", peer).toArray()[0];
    return row ? fromRow(row) : undefined;
  }

  /** The `limit` most recent conversations, most recent first. */
  recent(limit: number): Conversation[] {
    return this.sql
      .exec<Row>("SELECT * FROM conversations ORDER BY last_seq DESC LIMIT ?", limit)
      .toArray()
      .map(fromRow);
  }

  /** The owner read `peer`'s messages up to `seq` (never moves back). */
  markReadByMe(peer: string, seq: number): void {
    this.sql.exec("UPDATE conversations SET read_by_me = MAX(read_by_me, ?) WHERE peer = ?", seq, peer);
  }

  /** `peer` read the owner's messages up to `seq`; true if that is news. */
  markReadByThem(peer: string, seq: number): boolean {
    const cursor = this.sql.exec(
      "UPDATE conversations SET read_by_them = ? WHERE peer = ? AND read_by_them < ?",
      seq,
      peer,
      seq,
    );
    return cursor.rowsWritten > 0;
  }
}

/**
 * The room's side of files: which stored messages own an R2 object (so trimming
 * or deleting the message deletes the file), how many bytes the room keeps (the
 * quota), the per-user upload rate, and fresh signed links on every frame that
 * carries a file. Lives in the room object's SQLite storage beside its history.
 */
import type { Config } from "../config";
import { RateLimiter } from "../hibernation/rate-limiter";
import type { FileShareFrame, HistoryEntry, UserRef } from "../protocol/frames";
import type { Refusal } from "../protocol/refusal";
import type { StoredEntry, StoredFile, StoredFileShare } from "../room/stored-entry";
import { deleteFiles, type FileMeta, storeFileBytes } from "./file-objects";
import { fileLinkSigner } from "./signed-url";

/** What the worker asks before streaming an upload. */
export interface UploadAdmission {
  room: string;
  user: UserRef;
  cid?: string | undefined;
  size: number;
}

/** What the worker asks once the bytes are in R2. */
export interface ShareRequest {
  room: string;
  user: UserRef;
  cid?: string | undefined;
  file: StoredFile;
}

/** The room's answer to {@link UploadAdmission}. */
export type Admission =
  | { kind: "admitted" }
  | { kind: "refused"; refusal: Refusal }
  /** The `cid` was already used for a kept file: its original result. */
  | { kind: "retry"; result: FileShareFrame };

/** The room's answer to {@link ShareRequest}. */
export type ShareOutcome =
  | { kind: "shared"; result: FileShareFrame }
  | Exclude<Admission, { kind: "admitted" }>;

/** Files of one room. */
export class RoomFiles {
  /** Smallest seq owning a file (Infinity when none), so trims that pass no file cost nothing. */
  #oldestSeq: number;
  /** Uploads per user, `UPLOADS_PER_MINUTE` (a bucket table of its own beside the frames'). */
  readonly #uploads: RateLimiter;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly config: Pick<Config, "roomFileQuotaBytes" | "uploadsPerMinute">,
  ) {
    const sql = ctx.storage.sql;
    this.#uploads = new RateLimiter(sql, config.uploadsPerMinute, "upload_buckets");
    sql.exec(`CREATE TABLE IF NOT EXISTS files (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      size INTEGER NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS files_seq ON files (seq)");
    const row = sql.exec<{ oldest: number | null }>("SELECT MIN(seq) AS oldest FROM files").one();
    this.#oldestSeq = row.oldest ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes of the files the room keeps. */
  usedBytes(): number {
    return this.ctx.storage.sql
      .exec<{ used: number }>("SELECT COALESCE(SUM(size), 0) AS used FROM files")
      .one().used;
  }

  /** Refusal for a file of `size` bytes that would take the room over its quota. */
  quotaRefusal(size: number): Refusal | undefined {
    if (this.usedBytes() + size <= this.config.roomFileQuotaBytes) return undefined;
    return {
      status: 413,
      code: "quota_exceeded",
      message: `this room keeps at most ${this.config.roomFileQuotaBytes} bytes of files`,
    };
  }

  /** Takes one upload token from the user (`UPLOADS_PER_MINUTE`), or the refusal. */
  rateRefusal(userId: string, now: number): Refusal | undefined {
    const verdict = this.#uploads.take(userId, now);
    if (verdict.ok) return undefined;
    return {
      status: 429,
      code: "rate_limited",
      message: "too many uploads; slow down",
      retryAfterMs: verdict.retryAfterMs,
    };
  }

  /** Forgets upload buckets that have refilled (from the room's alarm). */
  prune(now: number): void {
    this.#uploads.prune(now);
  }

  /** Records that the message at `seq` owns file `file`. */
  record(file: StoredFile, seq: number): void {
    this.ctx.storage.sql.exec("INSERT INTO files (id, seq, size) VALUES (?, ?, ?)", file.id, seq, file.size);
    this.#oldestSeq = Math.min(this.#oldestSeq, seq);
  }

  /** Puts the bytes of a file sent in a frame into R2 (at most `MAX_MESSAGE_BYTES`). */
  put(file: StoredFile, bytes: Uint8Array, meta: Pick<FileMeta, "room" | "from">): Promise<void> {
    return storeFileBytes(this.env.FILES, file.id, bytes, { name: file.name, type: file.type, ...meta });
  }

  /** Deletes the object of a file that was refused after it was written. */
  discard(fileId: string): Promise<void> {
    return deleteFiles(this.env.FILES, [fileId]);
  }

  /**
   * The history now starts at `oldestKept`: deletes the objects of files whose
   * messages were trimmed. Rows go only once R2 has deleted the objects, so a
   * failed delete is retried by the next trim instead of leaking the object.
   */
  trimmedTo(oldestKept: number): void {
    if (oldestKept <= this.#oldestSeq) return;
    this.#delete("SELECT id FROM files WHERE seq < ?", oldestKept);
    const row = this.ctx.storage.sql.exec<{ oldest: number | null }>(
      "SELECT MIN(seq) AS oldest FROM files WHERE seq >= ?",
      oldestKept,
    );
    this.#oldestSeq = row.one().oldest ?? Number.POSITIVE_INFINITY;
  }

  /**
   * The message at `seq` was deleted: its file goes with it. Message deletion
   * (moderation's `delete_message`) calls this when the entry is a `file_share`.
   */
  deleted(seq: number): void {
    this.#delete("SELECT id FROM files WHERE seq = ?", seq);
  }

  /**
   * `entry` as sent: a `file_share` gets a link signed now (valid
   * `FILE_URL_TTL_SECONDS`), so history never hands out a dead link.
   */
  link(entry: StoredEntry, now: number): HistoryEntry {
    return entry.type === "file_share" ? this.linkShare(entry, now) : entry;
  }

  /** A stored `file_share` with a link signed now. */
  linkShare(share: StoredFileShare, now: number): FileShareFrame {
    return { ...share, file: { ...share.file, url: fileLinkSigner(this.env).url(share.file.id, now) } };
  }

  #delete(query: string, bound: number): void {
    const sql = this.ctx.storage.sql;
    const ids = sql
      .exec<{ id: string }>(query, bound)
      .toArray()
      .map((r) => r.id);
    if (ids.length === 0) return;
    this.ctx.waitUntil(
      deleteFiles(this.env.FILES, ids).then(
        () => {
          for (const id of ids) sql.exec("DELETE FROM files WHERE id = ?", id);
        },
        (err: unknown) => {
          // Look again at the next trim, whatever it passes.
          this.#oldestSeq = 0;
          console.error(`file delete failed (retried at the next trim): ${String(err)}`);
        },
      ),
    );
  }
}

/**
 * What a room's history stores, one row per seq (hibernation/message-log.ts):
 * messages as sent, and file shares without their links, which are signed on
 * the way out (files/room-files.ts, `RoomFiles.link`), so history never hands
 * out a dead link.
 */
import type { FileShareFrame, RoomMessageFrame, SharedFile } from "../protocol/frames";

/** A file as stored in history: everything but the link. */
export type StoredFile = Omit<SharedFile, "url">;

/** A `file_share` as stored (no `url`). */
export type StoredFileShare = Omit<FileShareFrame, "file"> & { file: StoredFile };

/** One entry of a room's history as stored: a message, or a file share without its link. */
export type StoredEntry = RoomMessageFrame | StoredFileShare;

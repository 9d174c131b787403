/**
 * How a room takes a file in, by either road: an HTTP upload (the worker asks
 * {@link admitUpload} before streaming, then {@link shareFile} once the bytes are
 * in R2) or the seed's base64 `file_share` frame ({@link shareFromFrame}). Both
 * end the same way: stored under the next seq with its `cid`, acked, and
 * broadcast with a freshly signed link, like a message. A file is a post: mutes
 * and slow mode refuse it as they refuse a message, before a byte is stored and
 * again once the bytes are in.
 */
import { ackFrame } from "../hibernation/ack-frame";
import type { Appended } from "../hibernation/message-log";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import { type Refusal, refusalFrame } from "../protocol/refusal";
import type { ClientFrameOf } from "../protocol/schemas";
import type { ConnectionAttachment } from "../room/attachment";
import type { Poster } from "../room/moderation/room-moderation";
import type { RoomContext } from "../room/room-context";
import type { StoredEntry, StoredFile, StoredFileShare } from "../room/stored-entry";
import { sanitizeFileName } from "./file-name";
import { headMatchesType, mediaType, SNIFF_BYTES } from "./file-types";
import type { Admission, ShareOutcome, ShareRequest, UploadAdmission } from "./room-files";

/** A kept `file_share` for this user's `cid` (a retry), or the refusal when the cid names a message. */
function retryOf(
  room: RoomContext,
  userId: string,
  cid: string | undefined,
  now: number,
): Exclude<Admission, { kind: "admitted" }> | undefined {
  if (cid === undefined) return undefined;
  const kept = room.store.findByCid(userId, cid);
  return kept === undefined ? undefined : keptOutcome(room, kept, now);
}

/** A kept entry under the share's `cid`: its original result if it is a file, else the refusal. */
function keptOutcome(
  room: RoomContext,
  kept: StoredEntry,
  now: number,
): Exclude<Admission, { kind: "admitted" }> {
  if (kept.type === "file_share") return { kind: "retry", result: room.files.linkShare(kept, now) };
  return {
    kind: "refused",
    refusal: { status: 400, code: "invalid_query", message: "this cid was already used for a message" },
  };
}

/**
 * Before an upload streams: a retried `cid` (answered even to a muted or slowed
 * user, as a message's retry is), a mute or slow mode, the room's quota, the
 * user's upload rate (in that order; only an upload that passes the others takes
 * a token).
 */
export function admitUpload(room: RoomContext, req: UploadAdmission, poster: Poster, now: number): Admission {
  const retry = retryOf(room, req.user.id, req.cid, now);
  if (retry) return retry;
  const refusal =
    room.moderation.postingRefusal(poster, now) ??
    room.files.quotaRefusal(req.size) ??
    room.files.rateRefusal(req.user.id, now);
  return refusal ? { kind: "refused", refusal } : { kind: "admitted" };
}

/**
 * Once the bytes are in R2: stores and broadcasts the `file_share`. The `cid`, a
 * mute or slow mode, and the quota are checked again, since other frames and
 * uploads ran while this one streamed; on a refusal the caller deletes the object.
 */
export function shareFile(
  room: RoomContext,
  req: ShareRequest,
  poster: Poster,
  now: number,
  ackTo?: WebSocket,
): ShareOutcome {
  const retry = retryOf(room, req.user.id, req.cid, now);
  if (retry) return retry;
  const refusal = room.moderation.postingRefusal(poster, now) ?? room.files.quotaRefusal(req.file.size);
  if (refusal) return { kind: "refused", refusal };
  const appended = store(room, req, now);
  // Checked just above in this same turn, so not expected; the insert would still catch it.
  if (appended.kind === "kept") return keptOutcome(room, appended.frame, now);
  const frame = room.files.linkShare(appended.frame, now);
  // Slow mode counts from this post, as from a message.
  room.moderation.slowMode.sent(req.user.id, frame.timestamp);
  // As for messages: the sender's ack comes before its own copy of the broadcast.
  if (ackTo) sendFrame(ackTo, ackFrame(frame, req.cid));
  broadcast(room.sockets(), frame);
  return { kind: "shared", result: frame };
}

/** Stores the share (the file row and the message together), unless its `cid` names a kept entry. */
function store(
  room: RoomContext,
  { room: roomName, user, file, cid }: ShareRequest,
  now: number,
): Appended<StoredFileShare, StoredEntry> {
  return room.append(
    { userId: user.id, cid },
    now,
    (seq, timestamp) => ({
      type: "file_share",
      id: crypto.randomUUID(),
      seq,
      room: roomName,
      from: user,
      file,
      timestamp,
      ...(cid !== undefined ? { cid } : {}),
    }),
    // The file's row in the same transaction: a message is never stored without it.
    (seq) => room.files.record(file, seq),
  );
}

// Standard base64 with padding; the seed sends no `data:` prefix.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a base64 string, or undefined when it is not strict base64. */
function decodeBase64(data: string): Uint8Array | undefined {
  if (!BASE64.test(data)) return undefined;
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function checkFrame(
  room: RoomContext,
  att: ConnectionAttachment,
  frame: ClientFrameOf<"file_share">,
): Refusal | { bytes: Uint8Array; type: string } {
  const invalid = (message: string): Refusal => ({ code: ErrorCode.InvalidMessage, message });
  if (frame.room !== undefined && frame.room !== att.room) {
    return invalid("room does not match this connection's room");
  }
  if (frame.fileData.startsWith("data:")) return invalid("fileData is base64 without a data: prefix");
  const bytes = decodeBase64(frame.fileData);
  if (bytes === undefined) return invalid("fileData is not valid base64");
  if (frame.fileSize !== undefined && frame.fileSize !== bytes.length) {
    return invalid(`fileSize says ${frame.fileSize} bytes but fileData holds ${bytes.length}`);
  }
  if (frame.timestamp !== undefined && !Number.isFinite(new Date(frame.timestamp).getTime())) {
    return invalid("timestamp is not a time (the room assigns its own anyway)");
  }
  if (bytes.length > room.config.maxFileBytes) {
    return { code: ErrorCode.TooLarge, message: `files are limited to ${room.config.maxFileBytes} bytes` };
  }
  const type = mediaType(frame.fileType);
  if (!room.config.allowedFileTypes.includes(type)) {
    return invalid(`unsupported file type; allowed: ${room.config.allowedFileTypes.join(", ")}`);
  }
  if (!headMatchesType(type, bytes.subarray(0, SNIFF_BYTES), bytes.length <= SNIFF_BYTES)) {
    return invalid(`the file's first bytes are not ${type}`);
  }
  return { bytes, type };
}

/**
 * The seed's in-frame `file_share {fileName, fileType, fileData, …}`: checked like
 * an upload (type and first bytes, quota, upload rate, `cid` retries), stored in
 * R2, then acked and broadcast. Refusals are `error` frames with the `cid` as `ref`.
 */
export async function shareFromFrame(
  room: RoomContext,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: ClientFrameOf<"file_share">,
  now: number,
): Promise<void> {
  // The frame's edge: every refusal (the frame's own, the room's, an upload's) is an `error` frame.
  const refuse = (refusal: Refusal) => sendFrame(ws, refusalFrame(refusal, frame.cid));
  const checked = checkFrame(room, att, frame);
  if ("code" in checked) return refuse(checked);
  const admission = admitUpload(
    room,
    { room: att.room, user: att.user, cid: frame.cid, size: checked.bytes.length },
    att,
    now,
  );
  if (admission.kind === "retry") return sendFrame(ws, ackFrame(admission.result, frame.cid));
  if (admission.kind === "refused") return refuse(admission.refusal);
  const file: StoredFile = {
    id: crypto.randomUUID(),
    name: sanitizeFileName(frame.fileName, checked.type),
    size: checked.bytes.length,
    type: checked.type,
  };
  await room.files.put(file, checked.bytes, { room: att.room, from: att.user.id });
  // Other frames ran during the write: check the cid, a mute, slow mode and the quota again.
  const outcome = shareFile(
    room,
    { room: att.room, user: att.user, cid: frame.cid, file },
    att,
    Date.now(),
    ws,
  );
  if (outcome.kind === "shared") return;
  await room.files.discard(file.id);
  if (outcome.kind === "retry") return sendFrame(ws, ackFrame(outcome.result, frame.cid));
  refuse(outcome.refusal);
}

/**
 * What the room does with each valid client frame (after size, schema and rate
 * limit checks). One function per frame type, dispatched by `type`.
 */

import { shareFromFrame } from "../files/room-shares";
import { errorFrame } from "../hibernation/error-frame";
import type { FrameHandlers } from "../hibernation/hibernating-object";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { CloseCode, ErrorCode } from "../protocol/codes";
import type {
  AckFrame,
  ErrorFrame,
  HistoryFrame,
  RoomJoinedFrame,
  RoomMessageFrame,
  TypingFrame,
} from "../protocol/frames";
import { type ClientFrame, privateRequest } from "../protocol/schemas";
import type { ConnectionAttachment } from "./attachment";
import { moderationHandlers } from "./moderation/handlers";
import type { RoomDO } from "./room-do";

/** What the room does with one frame type (`auth` is answered by HibernatingObject). */
export type Handler<T extends keyof RoomHandlers> = RoomHandlers[T];

function refuse(ws: WebSocket, code: ErrorFrame["code"], message: string, ref?: string): void {
  sendFrame(ws, errorFrame(code, message, { ref }));
}

const roomMessage: Handler<"room_message"> = (room, ws, att, frame, now) => {
  if (frame.room !== undefined && frame.room !== att.room) {
    refuse(ws, ErrorCode.InvalidMessage, "room does not match this connection's room", frame.cid);
    return;
  }
  if (!room.abuse.admitsContent(att, frame.content, att.room)) {
    refuse(ws, ErrorCode.InvalidMessage, "content policy", frame.cid);
    return;
  }
  // A retry of a message that is still kept gets its original ack, and is
  // neither stored nor broadcast again.
  const retried = frame.cid !== undefined ? room.store.findByCid(att.user.id, frame.cid) : undefined;
  if (!retried) {
    // Mute and slow mode, answered from memory (see RoomModeration).
    const refusal = room.moderation.messageRefusal(att, now, frame.cid);
    if (refusal) {
      sendFrame(ws, refusal);
      return;
    }
  }
  const stored =
    retried ??
    room.append({ userId: att.user.id, cid: frame.cid }, now, (seq, timestamp) => ({
      type: "room_message",
      id: crypto.randomUUID(),
      seq,
      timestamp,
      room: att.room,
      from: att.user,
      content: frame.content,
      ...cidField(frame.cid),
    }));
  if (!retried) room.moderation.slowMode.sent(att.user.id, stored.timestamp);
  sendFrame(ws, {
    type: "ack",
    ...cidField(frame.cid),
    id: stored.id,
    seq: stored.seq,
    timestamp: stored.timestamp,
  } satisfies AckFrame);
  if (!retried) broadcast(room.sockets(), stored as RoomMessageFrame);
};

const typingIndicator: Handler<"typing_indicator"> = (room, ws, att, frame) => {
  broadcast(
    room.sockets(),
    {
      type: "typing_indicator",
      room: att.room,
      user: att.user,
      isTyping: frame.isTyping,
    } satisfies TypingFrame,
    ws,
  );
};

/**
 * Forwarded to the sender's inbox object, which stores it in both inboxes; the
 * ack (or refusal) comes back here, so a client with only a room socket can
 * send private messages too.
 */
const privateMessage: Handler<"private_message"> = async (room, ws, att, frame) => {
  // The content policy is applied where the sender's socket is (its IP takes the strike).
  if (!room.abuse.admitsContent(att, frame.content, "private")) {
    refuse(ws, ErrorCode.InvalidMessage, "content policy", frame.cid);
    return;
  }
  sendFrame(ws, await room.inboxOf(att.user.id).sendPrivate(att.user, privateRequest(frame)));
};

const history: Handler<"history"> = (room, ws, att, frame, now) => {
  const page = room.page(frame, now);
  sendFrame(ws, {
    type: "history",
    room: att.room,
    ...page,
    ...(frame.ref !== undefined ? { ref: frame.ref } : {}),
  } satisfies HistoryFrame);
};

const joinRoom: Handler<"join_room"> = (_room, ws, att, frame) => {
  if (frame.room !== undefined && frame.room !== att.room) {
    refuse(ws, ErrorCode.InvalidMessage, "one connection is one room: open another socket to join another");
    return;
  }
  sendFrame(ws, { type: "room_joined", room: att.room } satisfies RoomJoinedFrame);
};

const leaveRoom: Handler<"leave_room"> = (room, ws, att) => {
  room.depart(ws, att, CloseCode.Normal, "left");
};

/** What the room does with each client frame. */
export const roomHandlers: RoomHandlers = {
  ping: (_room, ws) => sendFrame(ws, { type: "pong" }),
  room_message: roomMessage,
  typing_indicator: typingIndicator,
  private_message: privateMessage,
  history,
  join_room: joinRoom,
  leave_room: leaveRoom,
  file_share: shareFromFrame,
  ...moderationHandlers,
};

type RoomHandlers = FrameHandlers<RoomDO, ConnectionAttachment, ClientFrame>;

function cidField(cid: string | undefined): { cid?: string } {
  return cid !== undefined ? { cid } : {};
}

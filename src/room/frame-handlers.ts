/**
 * What the room does with each valid client frame (after size, schema and rate
 * limit checks). One function per frame type, dispatched by `type`.
 */

import { errorFrame } from "../hibernation/error-frame";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { CloseCode, ErrorCode } from "../protocol/codes";
import type { AckFrame, ErrorFrame, HistoryFrame, RoomJoinedFrame, TypingFrame } from "../protocol/frames";
import type { ClientFrame, ClientFrameOf } from "../protocol/schemas";
import type { ConnectionAttachment } from "./attachment";
import type { RoomDO } from "./room-do";

type Handler<T extends ClientFrame["type"]> = (
  room: RoomDO,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: ClientFrameOf<T>,
  now: number,
) => void;

function refuse(ws: WebSocket, code: ErrorFrame["code"], message: string, ref?: string): void {
  sendFrame(ws, errorFrame(code, message, { ref }));
}

const roomMessage: Handler<"room_message"> = (room, ws, att, frame, now) => {
  if (frame.room !== undefined && frame.room !== att.room) {
    refuse(ws, ErrorCode.InvalidMessage, "room does not match this connection's room", frame.cid);
    return;
  }
  // A retry of a message that is still kept gets its original ack, and is
  // neither stored nor broadcast again.
  const retried = frame.cid !== undefined ? room.store.findByCid(att.user.id, frame.cid) : undefined;
  const stored =
    retried ??
    room.store.append({ userId: att.user.id, cid: frame.cid }, now, (seq, timestamp) => ({
      type: "room_message",
      id: crypto.randomUUID(),
      seq,
      timestamp,
      room: att.room,
      from: att.user,
      content: frame.content,
      ...cidField(frame.cid),
    }));
  sendFrame(ws, {
    type: "ack",
    ...cidField(frame.cid),
    id: stored.id,
    seq: stored.seq,
    timestamp: stored.timestamp,
  } satisfies AckFrame);
  if (!retried) broadcast(room.sockets(), stored);
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

const privateMessage: Handler<"private_message"> = (_room, ws, _att, frame) => {
  // Private messages need the per-user inbox object (see docs/protocol.md).
  refuse(ws, ErrorCode.InvalidMessage, "private messages are not available on this server yet", frame.cid);
};

const history: Handler<"history"> = (room, ws, att, frame) => {
  const page = room.store.page(frame, room.pageSize());
  sendFrame(ws, { type: "history", room: att.room, ...page } satisfies HistoryFrame);
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

const handlers: { [T in ClientFrame["type"]]: Handler<T> } = {
  ping: (_room, ws) => sendFrame(ws, { type: "pong" }),
  room_message: roomMessage,
  typing_indicator: typingIndicator,
  private_message: privateMessage,
  history,
  join_room: joinRoom,
  leave_room: leaveRoom,
};

/** Runs the handler for `frame.type`. */
export function handleClientFrame(
  room: RoomDO,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: ClientFrame,
  now: number,
): void {
  (handlers[frame.type] as Handler<typeof frame.type>)(room, ws, att, frame, now);
}

function cidField(cid: string | undefined): { cid?: string } {
  return cid !== undefined ? { cid } : {};
}

/**
 * What the room does with each valid client frame (after size, schema and rate
 * limit checks). One function per frame type, dispatched by `type`.
 */

import { shareFromFrame } from "../files/room-shares";
import { errorFrame } from "../hibernation/error-frame";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { CloseCode, ErrorCode } from "../protocol/codes";
import type { ErrorFrame, HistoryFrame, RoomJoinedFrame, TypingFrame } from "../protocol/frames";
import { refusalFrame } from "../protocol/refusal";
import { privateMessage } from "../user/private-message";
import { moderationHandlers } from "./moderation/handlers";
import type { Handler, RoomHandlers } from "./room-context";
import { afterOutcome, submitMessage } from "./room-message";

function refuse(ws: WebSocket, code: ErrorFrame["code"], message: string, ref?: string): void {
  sendFrame(ws, errorFrame(code, message, { ref }));
}

const roomMessage: Handler<"room_message"> = (room, ws, att, frame, now) => {
  if (frame.room !== undefined && frame.room !== att.room) {
    refuse(ws, ErrorCode.InvalidMessage, "room does not match this connection's room", frame.cid);
    return;
  }
  const outcome = submitMessage(
    room,
    { kind: "socket", att },
    { room: att.room, content: frame.content, cid: frame.cid },
    now,
    ws,
  );
  return afterOutcome(outcome, (settled) => {
    if (settled.kind === "refused") sendFrame(ws, refusalFrame(settled.refusal, frame.cid));
  });
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

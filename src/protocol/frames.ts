/**
 * Server → client frames of wire contract v1. Plain types with no runtime code,
 * so the client SDK can import them without pulling in the schema library.
 * Every frame the server sends is checked against these with `satisfies`.
 */
import type { ErrorCode } from "./codes";

/** A user as other users see them. */
export interface UserRef {
  id: string;
  name: string;
}

/** A stored, broadcast chat message. */
export interface RoomMessageFrame {
  type: "room_message";
  id: string;
  seq: number;
  room: string;
  from: UserRef;
  content: string;
  /** Milliseconds since the epoch, assigned by the room (never decreasing). */
  timestamp: number;
  cid?: string;
}

/** First frame on every connection. */
export interface WelcomeFrame {
  type: "welcome";
  clientId: string;
  user: UserRef;
  room: string;
  /** Latest seq in the room (0 when empty). */
  seq: number;
  presence: UserRef[];
  history: RoomMessageFrame[];
  hasMore: boolean;
  resumed: boolean;
}

/** Answer to `join_room`. */
export interface RoomJoinedFrame {
  type: "room_joined";
  room: string;
}

/** Sent to the sending connection for every accepted `room_message`. */
export interface AckFrame {
  type: "ack";
  cid?: string;
  id: string;
  seq: number;
  timestamp: number;
}

/** A user's first connection to the room / last disconnection from it. */
export interface PresenceFrame {
  type: "user_joined" | "user_left";
  room: string;
  user: UserRef;
  timestamp: number;
}

/**
 * Presence changes batched over `PRESENCE_BATCH_MS`, sent instead of
 * `user_joined`/`user_left` to clients that opted in with `?presence=diff`, while
 * the room has more than `PRESENCE_BATCH_ABOVE` sockets. Each user appears once,
 * with their state at the time of the frame: apply `joined` and `left` as set
 * operations (both are idempotent).
 */
export interface PresenceDiffFrame {
  type: "presence_diff";
  room: string;
  joined: UserRef[];
  left: UserRef[];
  timestamp: number;
}

/** Relayed to the others in the room; never stored. */
export interface TypingFrame {
  type: "typing_indicator";
  room: string;
  user: UserRef;
  isTyping: boolean;
}

/** A page of history. */
export interface HistoryFrame {
  type: "history";
  room: string;
  messages: RoomMessageFrame[];
  hasMore: boolean;
}

/** Any refusal of a client frame; the socket stays open unless a close follows. */
export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The `cid` of the refused frame, when it had one. */
  ref?: string;
  retryAfterMs?: number;
}

/** Heartbeat answer. */
export interface PongFrame {
  type: "pong";
}

/** Every frame a server may send in v1 (private messages and files come later). */
export type ServerFrame =
  | WelcomeFrame
  | RoomJoinedFrame
  | RoomMessageFrame
  | AckFrame
  | PresenceFrame
  | PresenceDiffFrame
  | TypingFrame
  | HistoryFrame
  | ErrorFrame
  | PongFrame;

/** Body of `GET /v1/rooms/:room/messages`. */
export interface HistoryPage {
  room: string;
  messages: RoomMessageFrame[];
  hasMore: boolean;
}

/** Body of every HTTP refusal. */
export interface HttpErrorBody {
  error: string;
  message: string;
}

/**
 * Server → client frames of wire contract v1. Plain types with no runtime code,
 * so the client SDK can import them without pulling in the schema library.
 * Every frame the server sends is checked against these with `satisfies`.
 */
import type { ErrorCode, ErrorReason } from "./codes";

/** A user as other users see them. */
export interface UserRef {
  id: string;
  name: string;
}

/** What every `room_message` has, a posted one or a deleted one. */
interface RoomMessageFields {
  type: "room_message";
  id: string;
  seq: number;
  room: string;
  from: UserRef;
  /** Milliseconds since the epoch, assigned by the room (never decreasing). */
  timestamp: number;
  cid?: string;
}

/** A chat message as posted. */
export interface PostedMessageFrame extends RoomMessageFields {
  content: string;
  deleted?: never;
}

/**
 * A tombstone: the message (or shared file) with this seq was deleted. History
 * pages and resumes deliver it in its place; `content` is empty and the text is
 * gone from storage. Show it as "message deleted", or skip it.
 */
export interface DeletedMessageFrame extends RoomMessageFields {
  content: "";
  deleted: true;
}

/**
 * A stored, broadcast chat message: posted, or deleted since (`deleted: true`,
 * which narrows the type).
 * @example if (m.deleted) showDeleted(m.seq); else render(m.from.name, m.content);
 */
export type RoomMessageFrame = PostedMessageFrame | DeletedMessageFrame;

/** Room settings a client needs to behave (sent in the welcome). */
export interface RoomSettings {
  /** Slow mode: non-moderators may send one message per this many ms (0 = off). */
  slowModeMs: number;
}

/** A file as clients see it; `url` is a signed link, fresh in every frame that carries it. */
export interface SharedFile {
  id: string;
  /** The cleaned file name (see docs/protocol.md, "Files"). */
  name: string;
  /** Bytes. */
  size: number;
  /** Media type, e.g. `image/png`. */
  type: string;
  /** `/v1/files/:id?exp=…&sig=…`, relative to the service; valid `FILE_URL_TTL_SECONDS`. */
  url: string;
}

/** A stored, broadcast file: kept, acked, de-duplicated and paged like a message. */
export interface FileShareFrame {
  type: "file_share";
  id: string;
  seq: number;
  room: string;
  from: UserRef;
  file: SharedFile;
  timestamp: number;
  cid?: string;
}

/** What history holds: messages and shared files, in one seq order. */
export type HistoryEntry = RoomMessageFrame | FileShareFrame;

/**
 * Stable `error` codes of file uploads and downloads (HTTP bodies `{error, message}`;
 * files sent in a frame are refused with the frame codes instead).
 */
export type FileErrorCode =
  | "length_required"
  | "length_mismatch"
  | "file_too_large"
  | "quota_exceeded"
  | "unsupported_type"
  | "invalid_file_name"
  | "invalid_query"
  | "rate_limited"
  | "banned"
  | "forbidden"
  | "invalid_signature"
  | "url_expired"
  | "not_found"
  | "range_not_satisfiable";

/** First frame on every connection. */
export interface WelcomeFrame {
  type: "welcome";
  clientId: string;
  user: UserRef;
  room: string;
  /** Latest seq in the room (0 when empty). */
  seq: number;
  presence: UserRef[];
  history: HistoryEntry[];
  hasMore: boolean;
  resumed: boolean;
  settings: RoomSettings;
  /** Whether this connection may send moderation frames (its token's role in this room). */
  canModerate: boolean;
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

/**
 * `201` body of `POST /v1/rooms/:room/messages`: what an `ack` carries (a retried
 * `cid` gets the original message's values, with status 200 instead of 201).
 */
export interface PublishResult {
  id: string;
  seq: number;
  timestamp: number;
  cid?: string;
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
  messages: HistoryEntry[];
  hasMore: boolean;
  /** The request's `ref`, when it had one. */
  ref?: string;
}

/** Any refusal of a client frame; the socket stays open unless a close follows. */
export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The `cid` of the refused frame (a `history` request's `ref`), when it had one. */
  ref?: string;
  retryAfterMs?: number;
  /** On some `forbidden` refusals: why, in a form a client can switch on (`muted`). */
  reason?: ErrorReason;
  /** With `reason: "muted"`: when the mute ends (ms since the epoch; null = permanent). */
  until?: number | null;
}

/** What a moderator did (`moderation.action`). */
export type ModerationAction = "kick" | "ban" | "unban" | "mute" | "unmute" | "delete_message" | "slow_mode";

/**
 * A moderation action, broadcast to the room and kept in its audit log. `until`
 * (ms since the epoch; null = permanent) comes with `ban` and `mute`, `seq`
 * with `delete_message`, `intervalMs` with `slow_mode`; `cid` only on the copy
 * sent to the socket that acted, when its request carried one.
 */
export interface ModerationFrame {
  type: "moderation";
  room: string;
  action: ModerationAction;
  target?: UserRef;
  by: UserRef;
  reason?: string;
  until?: number | null;
  seq?: number;
  intervalMs?: number;
  timestamp: number;
  cid?: string;
}

/** A message was deleted; history now holds a tombstone for `seq`. */
export interface MessageDeletedFrame {
  type: "message_deleted";
  room: string;
  seq: number;
  id: string;
  by: UserRef;
  timestamp: number;
  /** Only on the copy sent to the socket that deleted, when its request carried one. */
  cid?: string;
}

/** Answer to `auth`: the connection now expires at `exp` (seconds since the epoch). */
export interface AuthOkFrame {
  type: "auth_ok";
  exp: number;
  cid?: string;
}

/** Heartbeat answer. */
export interface PongFrame {
  type: "pong";
}

/** Every frame a room socket may receive (inbox sockets: {@link InboxServerFrame}). */
export type ServerFrame =
  | WelcomeFrame
  | RoomJoinedFrame
  | RoomMessageFrame
  | FileShareFrame
  | AckFrame
  | PresenceFrame
  | PresenceDiffFrame
  | TypingFrame
  | HistoryFrame
  | ErrorFrame
  | PongFrame
  | ModerationFrame
  | MessageDeletedFrame
  | AuthOkFrame;

/**
 * A private message as stored in one user's inbox and delivered to its sockets.
 * The sender's and the recipient's copies share `id`; each has its own inbox `seq`.
 */
export interface PrivateMessageFrame {
  type: "private_message";
  id: string;
  /** This message's seq in the inbox that sent the frame. */
  seq: number;
  from: UserRef;
  /** The recipient's user id. */
  to: string;
  content: string;
  timestamp: number;
  cid?: string;
}

/** One conversation of an inbox, as listed in `inbox_welcome`. */
export interface ConversationSummary {
  with: UserRef;
  /** The latest seq of this conversation in your inbox. */
  lastSeq: number;
  /** Messages from them after what you marked read. */
  unread: number;
  /** The latest seq of yours, in your inbox, that they have read (0: none). */
  readUpTo: number;
}

/** First frame on every inbox connection. */
export interface InboxWelcomeFrame {
  type: "inbox_welcome";
  user: UserRef;
  /** Latest seq in your inbox (0 when empty). */
  seq: number;
  history: PrivateMessageFrame[];
  hasMore: boolean;
  resumed: boolean;
  /** Most recent first, at most `INBOX_CONVERSATIONS_ON_JOIN`. */
  conversations: ConversationSummary[];
}

/** The other user read your messages up to `upTo` (a seq in your inbox). */
export interface ReadReceiptFrame {
  type: "read_receipt";
  by: UserRef;
  upTo: number;
  timestamp: number;
}

/**
 * To every inbox socket of the user who sent `read`: the conversation is now
 * read up to `upTo`, leaving `unread` messages (so other tabs clear their badges).
 */
export interface ReadMarkedFrame {
  type: "read_marked";
  with: string;
  upTo: number;
  unread: number;
}

/** A page of inbox history (one conversation when `with` is set). */
export interface InboxHistoryFrame {
  type: "history";
  with?: string;
  messages: PrivateMessageFrame[];
  hasMore: boolean;
  /** The request's `ref`, when it had one. */
  ref?: string;
}

/** Every frame an inbox socket may receive. */
export type InboxServerFrame =
  | InboxWelcomeFrame
  | PrivateMessageFrame
  | AckFrame
  | ReadReceiptFrame
  | ReadMarkedFrame
  | InboxHistoryFrame
  | ErrorFrame
  | PongFrame
  | AuthOkFrame;

/** Every frame any Roomcast socket may receive. */
export type AnyServerFrame = ServerFrame | InboxServerFrame;

/** Body of `GET /v1/inbox/messages`. */
export interface ConversationPage {
  with: string;
  messages: PrivateMessageFrame[];
  hasMore: boolean;
}

/** Body of `GET /v1/rooms/:room/messages`. */
export interface HistoryPage {
  room: string;
  messages: HistoryEntry[];
  hasMore: boolean;
}

/** One entry of `GET /v1/rooms/:room/moderation`: the broadcast frame and its log id. */
export type AuditEntry = Omit<ModerationFrame, "type" | "cid"> & { id: number };

/** Body of `GET /v1/rooms/:room/moderation` (newest first; page older with `before=<id>`). */
export interface AuditPage {
  room: string;
  actions: AuditEntry[];
  hasMore: boolean;
}

/** An active ban, as `GET /v1/rooms/:room/bans` lists it. */
export interface BanEntry {
  user: UserRef;
  /** ms since the epoch; null = permanent. */
  until: number | null;
  reason?: string;
  by: UserRef;
  timestamp: number;
}

/** Body of `GET /v1/rooms/:room/bans`. */
export interface BanList {
  room: string;
  bans: BanEntry[];
}

/** Body of `GET /v1/rooms/:room/mutes`: active mutes, each shaped like a ban entry. */
export interface MuteList {
  room: string;
  mutes: BanEntry[];
}

/** Body of the `403 banned` refusal of an upgrade or a history request. */
export interface BannedBody extends HttpErrorBody {
  error: "banned";
  until: number | null;
}

/** Body of every HTTP refusal (written by `refusalResponse`, src/protocol/refusal.ts). */
export interface HttpErrorBody {
  error: string;
  message: string;
}

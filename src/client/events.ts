/**
 * The events a {@link RoomcastClient} emits. Every server frame type has one
 * (with `room_message` delivered as `message` and `file_share` as `file`:
 * de-duplicated and in order),
 * plus derived events for the connection state, resumes, presence, typing and
 * the outbox.
 */
import type {
  AckFrame,
  AuthOkFrame,
  ErrorFrame,
  FileShareFrame,
  HistoryFrame,
  MessageDeletedFrame,
  ModerationFrame,
  PongFrame,
  PresenceFrame,
  RoomJoinedFrame,
  RoomMessageFrame,
  ServerFrame,
  TypingFrame,
  UserRef,
  WelcomeFrame,
} from "../protocol/frames";
import type { CloseInfo } from "./close-policy";
import type { Emitter } from "./emitter";
import { RoomcastError } from "./errors";
import type { ResumeInfo } from "./message-sequencer";
import type { OutboxEntry } from "./outbox";
import type { UnsentMessage } from "./outbox-sender";

/** The connection's state, as emitted by `state` events (`W`: the endpoint's welcome frame). */
export type ConnectionState<W = WelcomeFrame> =
  /** Created, `connect()` not called yet. */
  | { status: "idle" }
  /** Opening a socket; `attempt` is 0 for the first try after a drop or start. */
  | { status: "connecting"; attempt: number }
  /** The room (or inbox) welcomed us. */
  | { status: "open"; welcome: W }
  /** Waiting `delayMs` (until `retryAt`, ms since the epoch) before reconnect attempt `attempt`. */
  | { status: "reconnecting"; attempt: number; delayMs: number; retryAt: number; reason: CloseInfo }
  /** Closed for good: no reconnect will follow. */
  | { status: "closed"; reason: CloseInfo };

/** How far a `sendFile` upload is. */
export interface UploadProgress {
  /** The upload's `cid` (what `sendFile` was given or generated). */
  cid: string;
  name: string;
  loaded: number;
  total: number;
}

/** The status names of {@link ConnectionState}. */
export type ConnectionStatus = ConnectionState["status"];

/** Event names and their payloads. */
export interface ClientEvents {
  state: ConnectionState;
  /** Every frame exactly as received, before any other event. */
  frame: ServerFrame;
  welcome: WelcomeFrame;
  /**
   * Room messages, each exactly once, in seq order: welcome history, live, and
   * catch-up pages. A message deleted before it reached you comes as its
   * tombstone: `deleted: true`, `content: ""` (the type narrows on `deleted`);
   * show it as deleted or skip it. A deletion seen live is `message_deleted`.
   */
  message: RoomMessageFrame;
  /** Shared files, in the same seq order as messages (and from the same sources). */
  file: FileShareFrame;
  /** Progress of a `sendFile` upload (bytes of the body sent so far). */
  upload_progress: UploadProgress;
  ack: AckFrame;
  user_joined: PresenceFrame;
  user_left: PresenceFrame;
  typing_indicator: TypingFrame;
  history: HistoryFrame;
  /**
   * Every `error` frame, including those that also reject a `send`. A mute's
   * refusal is `forbidden` with `reason: "muted"` and `until` (null = permanent).
   */
  error: ErrorFrame;
  pong: PongFrame;
  room_joined: RoomJoinedFrame;
  /** After every reconnect that sent `since`; `resumed: false` means messages may be missing. */
  resume: ResumeInfo;
  /** The presence list changed. */
  presence: UserRef[];
  /** The set of other users typing changed. */
  typing: UserRef[];
  /** The outbox changed (a send, an ack, a retry, a failure). */
  outbox: OutboxEntry[];
  /** A queued message was refused for good (say, too long): tell the user, keep the text. */
  unsent: UnsentMessage;
  /** A moderation action in the room (kick, ban, mute, slow mode, a moderator's deletion, …). */
  moderation: ModerationFrame;
  /** A message was deleted: show `seq` as deleted (history already holds its tombstone). */
  message_deleted: MessageDeletedFrame;
  /** The token was renewed on the open socket; the connection now lasts until `exp`. */
  auth_ok: AuthOkFrame;
}

/**
 * Resolves at the next `welcome`; rejects at the next `closed` state.
 * @example await nextWelcome(events); // what `client.connect()` returns
 */
export function nextWelcome<W, E extends { welcome: W; state: ConnectionState<W> }>(
  events: Emitter<E>,
): Promise<E["welcome"]> {
  return new Promise((resolve, reject) => {
    const offWelcome = events.on("welcome", (welcome) => {
      offState();
      resolve(welcome);
    });
    const offState = events.on("state", (state) => {
      if (state.status !== "closed") return;
      offWelcome();
      offState();
      const why = `${state.reason.kind}${state.reason.error ? ` ${state.reason.error}` : ""}`;
      reject(
        new RoomcastError(
          "closed",
          `could not connect: ${why} (${state.reason.reason})`,
          undefined,
          state.reason,
        ),
      );
    });
  });
}

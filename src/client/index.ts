/**
 * The Roomcast client SDK (`@roomcast/client`; `roomcast/client` inside this repository): browsers and Node 22, no
 * runtime dependencies: `RoomcastClient` for a room, `InboxClient` for the
 * signed-in user's private messages. See docs/client.md.
 * @example
 * import { RoomcastClient } from "@roomcast/client";
 * const client = new RoomcastClient({ url: "https://chat.example.com", room: "general", token });
 * client.on("message", (m) => render(m));
 * await client.connect();
 */
export type { ErrorCode, ErrorReason } from "../protocol/codes";
export { CloseCode, PING_FRAME, SUBPROTOCOL } from "../protocol/codes";
export type * from "../protocol/frames";
export type { HistoryRequest, ServiceLimits } from "../protocol/requests";
export { isValidRoomName, ROOM_NAME_PATTERN } from "../protocol/room-name";
export { backoffDelay, DEFAULT_RECONNECT, type ReconnectOptions } from "./backoff";
export {
  type CloseAction,
  type CloseInfo,
  type CloseKind,
  closeAction,
  closeKind,
  type RefusalCode,
} from "./close-policy";
export { Emitter, type Unsubscribe } from "./emitter";
export { RoomcastError, type RoomcastErrorCode, type RoomcastErrorDetails } from "./errors";
export type { ClientEvents, ConnectionState, ConnectionStatus, UploadProgress } from "./events";
export type { FileData } from "./file-upload";
export { DEFAULT_HEARTBEAT, type HeartbeatOptions } from "./heartbeat";
export { newCid } from "./ids";
export { InboxClient, type InboxClientOptions } from "./inbox-client";
export type { InboxEvents } from "./inbox-events";
export type { ResumeInfo } from "./message-sequencer";
export type { ClientOptions, TokenProvider, TokenRequestReason } from "./options";
export type { OutboxEntry, OutboxStatus } from "./outbox";
export { DEFAULT_PACING, type PacingOptions, type UnsentMessage } from "./outbox-sender";
export type { OutboxPersistence, StorageLike } from "./outbox-store";
export type { FetchLike } from "./refusal-probe";
export { RoomcastClient, type SendFileOptions } from "./roomcast-client";
export { systemTiming, type TimerHandle, type Timing } from "./timing";
export type { TokenTransport, WebSocketConstructor } from "./transport";
export { DEFAULT_TYPING, type TypingOptions } from "./typing";

/**
 * What the room's frame handlers and message paths may read and do: the narrow
 * view of the room object that RoomDO builds once per wake-up and hands to
 * them. They import this interface, never the object, so imports run one way
 * (room-do.ts → handlers → room-context.ts) and the object's public methods
 * stay its RPC surface.
 */
import type { Config } from "../config";
import type { RoomFiles } from "../files/room-files";
import type { FrameHandlers } from "../hibernation/frame-dispatch";
import type { Appended, LogEntry, MessageLog, MessagePage } from "../hibernation/message-log";
import type { RateLimiter } from "../hibernation/rate-limiter";
import type { CloseCode } from "../protocol/codes";
import type { HistoryEntry } from "../protocol/frames";
import type { ClientFrame, HistoryRequest } from "../protocol/schemas";
import type { PrivateSender } from "../user/private-message";
import type { ConnectionAttachment } from "./attachment";
import type { RoomModeration } from "./moderation/room-moderation";
import type { PublishHook } from "./publish-hook";
import type { RoomEvents } from "./room-events";
import type { RoomPresence } from "./room-presence";
import type { StoredEntry } from "./stored-entry";

/** The room, as its handlers see it. */
export interface RoomContext extends PrivateSender {
  readonly config: Config;
  /** The history's reads and in-place rewrites; new entries go through {@link RoomContext.append}. */
  readonly store: Pick<MessageLog<StoredEntry>, "findByCid" | "get" | "replace">;
  readonly files: RoomFiles;
  /** Bans, mutes, slow mode, the audit log. */
  readonly moderation: RoomModeration;
  /** Who is here (or within their presence grace). */
  readonly presence: Pick<RoomPresence, "find">;
  /** Room event webhooks; undefined when `EVENT_WEBHOOK_URL` is empty. */
  readonly events: RoomEvents | undefined;
  /** The pre-publish hook; undefined when `PUBLISH_HOOK_URL` is empty (the message path then never awaits). */
  readonly publishHook: PublishHook | undefined;
  /** Messages per service per minute over the HTTP publish API (`SERVICE_RATE_PER_MINUTE`). */
  readonly serviceLimiter: RateLimiter;
  /** The room's sockets, open or closing (broadcasts skip the closed ones). */
  sockets(): WebSocket[];
  /** Closes `ws` from the server side, with the departure bookkeeping (announced at once). */
  depart(ws: WebSocket, att: ConnectionAttachment, code: CloseCode, reason: string): void;
  /**
   * Stores the next entry of the history (`extra` runs in the same transaction);
   * the objects of files it trims out are deleted, and the message is counted.
   * A `cid` its author already used for a kept entry stores nothing (a retry):
   * that entry comes back as `kept` (see MessageLog.append).
   */
  append<T extends StoredEntry>(
    entry: LogEntry,
    now: number,
    build: (seq: number, timestamp: number) => T,
    extra?: (seq: number) => void,
  ): Appended<T, StoredEntry>;
  /** A history page as sent: files carry links signed at `now`. */
  page(req: HistoryRequest, now: number): MessagePage<HistoryEntry>;
}

/** What the room does with each client frame (`auth` is answered by HibernatingObject). */
export type RoomHandlers = FrameHandlers<RoomContext, ConnectionAttachment, ClientFrame>;

/** What the room does with one frame type. */
export type Handler<T extends keyof RoomHandlers> = RoomHandlers[T];

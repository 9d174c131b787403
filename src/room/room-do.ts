/**
 * RoomDO: one Durable Object per room, the single writer of its history. The
 * socket lifecycle (hibernation, attachments, the boundary of every frame, the
 * idle sweep) is the shared {@link HibernatingObject}; this file is about the
 * room: its welcome, its presence, and what its frames do.
 */

import {
  type Admission,
  RoomFiles,
  type ShareOutcome,
  type ShareRequest,
  type StoredEntry,
  type UploadAdmission,
} from "../files/room-files";
import { admitUpload, shareFile } from "../files/room-shares";
import { notFoundResponse, readForwardedUpgrade } from "../hibernation/forwarded-upgrade";
import { HibernatingObject } from "../hibernation/hibernating-object";
import { type LogEntry, MessageLog, type MessagePage } from "../hibernation/message-log";
import { sinceOf, welcomeHistory } from "../hibernation/resume";
import { sendFrame } from "../hibernation/sockets";
import { PRESENCE_DIFF_QUERY } from "../protocol/codes";
import type { HistoryEntry, WelcomeFrame } from "../protocol/frames";
import { type ClientFrame, clientFrameSchema, type HistoryRequest } from "../protocol/schemas";
import type { UserDO } from "../user/user-do";
import type { ConnectionAttachment } from "./attachment";
import { roomHandlers } from "./frame-handlers";
import { PresenceTag, RoomPresence } from "./room-presence";

/** The Durable Object behind one room. */
export class RoomDO extends HibernatingObject<ConnectionAttachment, ClientFrame> {
  readonly store: MessageLog<StoredEntry>;
  readonly presence: RoomPresence;
  readonly files: RoomFiles;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, clientFrameSchema);
    // A constructor run is a wake-up: `npm run bench` counts these lines to show
    // that heartbeats never wake a hibernated room.
    if (this.config.logRoomWakeups) console.log("roomcast:room-wake");
    this.store = new MessageLog(ctx.storage, { limit: this.config.historyLimit });
    this.presence = new RoomPresence(ctx, this.config);
    this.files = new RoomFiles(ctx, env, this.config);
  }

  /** Accepts a WebSocket upgrade forwarded (and authenticated) by the worker. */
  override async fetch(req: Request): Promise<Response> {
    const upgrade = readForwardedUpgrade(req);
    const room = upgrade?.room;
    if (!upgrade || room === undefined) return notFoundResponse();
    const url = new URL(req.url);
    const diffs = url.searchParams.get(PRESENCE_DIFF_QUERY.name) === PRESENCE_DIFF_QUERY.value;
    const { history, ...welcome } = welcomeHistory(this.store, sinceOf(url), this.config.historyOnJoin);
    return this.acceptSocket(
      upgrade,
      { room },
      [diffs ? PresenceTag.Diff : PresenceTag.Each],
      (ws, att, now) => {
        this.presence.join(ws, att, now);
        sendFrame(ws, {
          type: "welcome",
          clientId: att.connId,
          user: att.user,
          room,
          seq: this.store.seq,
          presence: this.presence.list(),
          history: history.map((entry) => this.files.link(entry, now)),
          ...welcome,
        } satisfies WelcomeFrame);
      },
    );
  }

  /** A history page for `GET /v1/rooms/:room/messages` (RPC from the worker). */
  history(req: HistoryRequest): MessagePage<HistoryEntry> {
    return this.page(req, Date.now());
  }

  /** A history page as sent: files carry links signed at `now`. */
  page(req: HistoryRequest, now: number): MessagePage<HistoryEntry> {
    const page = this.store.page(req, this.pageSize());
    return { messages: page.messages.map((entry) => this.files.link(entry, now)), hasMore: page.hasMore };
  }

  /**
   * Stores the next entry of the history (`extra` runs in the same transaction);
   * when that trims the oldest entries, the R2 objects of trimmed files are
   * deleted (a file lives as long as its message).
   */
  append<T extends StoredEntry>(
    entry: LogEntry,
    now: number,
    build: (seq: number, timestamp: number) => T,
    extra?: (seq: number) => void,
  ): T {
    // The log stores whatever `build` returns: the entry is the T it built.
    const stored = this.store.append(entry, now, build, extra) as T;
    this.files.trimmedTo(stored.seq - this.config.historyLimit + 1);
    return stored;
  }

  /** RPC from the worker before an upload streams: `cid` retry, quota, upload rate. */
  admitUpload(req: UploadAdmission): Admission {
    return admitUpload(this, req, Date.now());
  }

  /** RPC from the worker once an upload is in R2: stores and broadcasts its `file_share`. */
  shareFile(req: ShareRequest): ShareOutcome {
    return shareFile(this, req, Date.now());
  }

  protected override readonly handlers = roomHandlers;

  /** A user's inbox object (private messages sent on a room socket go there). */
  inboxOf(userId: string): DurableObjectStub<UserDO> {
    return this.env.USER.getByName(userId);
  }

  /** Announces the user's departure if it was their last connection. */
  protected override onLeave(ws: WebSocket, att: ConnectionAttachment, now: number): void {
    this.presence.leave(ws, att, now);
  }

  /** Sends the batched presence changes, the sweep's departures included. */
  protected override onAlarm(now: number): undefined {
    this.presence.flush(now);
    this.files.prune(now);
    return undefined;
  }
}

/**
 * RoomDO: one Durable Object per room, the single writer of its history. The
 * socket lifecycle (hibernation, attachments, the boundary of every frame, the
 * idle sweep) is the shared {@link HibernatingObject}; this file is about the
 * room: its welcome, its presence, and what its frames do.
 */

import { notFoundResponse, readForwardedUpgrade } from "../hibernation/forwarded-upgrade";
import { HibernatingObject } from "../hibernation/hibernating-object";
import { MessageLog, type MessagePage } from "../hibernation/message-log";
import { sinceOf, welcomeHistory } from "../hibernation/resume";
import { sendFrame } from "../hibernation/sockets";
import { PRESENCE_DIFF_QUERY } from "../protocol/codes";
import type { RoomMessageFrame, WelcomeFrame } from "../protocol/frames";
import { type ClientFrame, clientFrameSchema, type HistoryRequest } from "../protocol/schemas";
import type { UserDO } from "../user/user-do";
import type { ConnectionAttachment } from "./attachment";
import { roomHandlers } from "./frame-handlers";
import { PresenceTag, RoomPresence } from "./room-presence";

/** The Durable Object behind one room. */
export class RoomDO extends HibernatingObject<ConnectionAttachment, ClientFrame> {
  readonly store: MessageLog<RoomMessageFrame>;
  readonly presence: RoomPresence;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, clientFrameSchema);
    // A constructor run is a wake-up: `npm run bench` counts these lines to show
    // that heartbeats never wake a hibernated room.
    if (this.config.logRoomWakeups) console.log("roomcast:room-wake");
    this.store = new MessageLog(ctx.storage, { limit: this.config.historyLimit });
    this.presence = new RoomPresence(ctx, this.config);
  }

  /** Accepts a WebSocket upgrade forwarded (and authenticated) by the worker. */
  override async fetch(req: Request): Promise<Response> {
    const upgrade = readForwardedUpgrade(req);
    const room = upgrade?.room;
    if (!upgrade || room === undefined) return notFoundResponse();
    const url = new URL(req.url);
    const diffs = url.searchParams.get(PRESENCE_DIFF_QUERY.name) === PRESENCE_DIFF_QUERY.value;
    const history = welcomeHistory(this.store, sinceOf(url), this.config.historyOnJoin);
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
          ...history,
        } satisfies WelcomeFrame);
      },
    );
  }

  /** A history page for `GET /v1/rooms/:room/messages` (RPC from the worker). */
  history(req: HistoryRequest): MessagePage<RoomMessageFrame> {
    return this.store.page(req, this.pageSize());
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
    return undefined;
  }
}

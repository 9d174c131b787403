/**
 * RoomDO: one Durable Object per room, the single writer of its history. The
 * socket lifecycle (hibernation, attachments, the boundary of every frame, the
 * idle sweep, token refresh) is the shared {@link HibernatingObject}; this file
 * is about the room: who may enter, its welcome, its presence, its moderation,
 * its files, and what its frames do.
 */

import { canModerate } from "../auth/roles";
import type { RefreshScope } from "../auth/token-refresh";
import type { Identity } from "../auth/verify";
import {
  type Admission,
  RoomFiles,
  type ShareOutcome,
  type ShareRequest,
  type UploadAdmission,
} from "../files/room-files";
import { admitUpload, shareFile } from "../files/room-shares";
import { notFoundResponse, readForwardedUpgrade } from "../hibernation/forwarded-upgrade";
import { HibernatingObject } from "../hibernation/hibernating-object";
import { MessageLog, type MessagePage } from "../hibernation/message-log";
import { RateLimiter } from "../hibernation/rate-limiter";
import { sinceOf, welcomeHistory } from "../hibernation/resume";
import { sendText } from "../hibernation/sockets";
import { PRESENCE_DIFF_QUERY } from "../protocol/codes";
import type { BanList, HistoryEntry, MuteList } from "../protocol/frames";
import { type Refusal, refusalResponse } from "../protocol/refusal";
import { type ClientFrame, clientFrameSchema, type HistoryRequest } from "../protocol/schemas";
import type { ConnectionAttachment } from "./attachment";
import { roomHandlers } from "./frame-handlers";
import type { AuditLogPage, AuditLogRequest } from "./moderation/audit-log";
import { type Poster, RoomModeration } from "./moderation/room-moderation";
import { PublishHook } from "./publish-hook";
import type { RoomContext } from "./room-context";
import { RoomEvents } from "./room-events";
import { RoomHistory } from "./room-history";
import { afterOutcome } from "./room-message";
import { PresenceTag, RoomPresence } from "./room-presence";
import { type PublishOutcome, type PublishRequest, publishForService } from "./service-publish";
import type { StoredEntry } from "./stored-entry";
import { welcomeText } from "./welcome";

/**
 * The Durable Object behind one room. Its public methods are its RPC surface;
 * its parts are private, and its handlers see them through `handlerContext`.
 */
export class RoomDO extends HibernatingObject<ConnectionAttachment, ClientFrame, RoomContext> {
  private readonly store: MessageLog<StoredEntry>;
  private readonly presence: RoomPresence;
  private readonly files: RoomFiles;
  private readonly moderation: RoomModeration;
  /** Room event webhooks; undefined (and no table, no query) when `EVENT_WEBHOOK_URL` is empty. */
  private readonly events: RoomEvents | undefined;
  readonly #history: RoomHistory;
  protected override readonly handlers = roomHandlers;
  protected override readonly handlerContext: RoomContext;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, clientFrameSchema, "room");
    // A constructor run is a wake-up: `npm run bench` counts these lines to show
    // that heartbeats never wake a hibernated room.
    if (this.config.logRoomWakeups) console.log("roomcast:room-wake");
    this.store = new MessageLog(ctx.storage, { limit: this.config.historyLimit });
    this.presence = new RoomPresence(ctx, this.config, (frame) => this.events?.presence(frame));
    this.files = new RoomFiles(ctx, env, this.config);
    this.moderation = new RoomModeration(ctx.storage.sql, this.store, this.config);
    const typing = new RateLimiter(ctx.storage.sql, this.config.typingRatePerMinute, "typing_buckets");
    this.gate.light = { type: "typing_indicator", limiter: typing };
    this.events = this.eventWebhooks(RoomEvents);
    this.#history = new RoomHistory(this.store, this.files, this.events, this.counters, {
      historyLimit: this.config.historyLimit,
      pageSize: this.pageSize(),
    });
    const hook = this.config.publishHook;
    this.handlerContext = {
      config: this.config,
      store: this.store,
      files: this.files,
      moderation: this.moderation,
      presence: this.presence,
      events: this.events,
      publishHook: hook ? new PublishHook(hook, this.config.maxContentChars) : undefined,
      serviceLimiter: new RateLimiter(ctx.storage.sql, this.config.serviceRatePerMinute, "service_buckets"),
      abuse: this.abuse,
      sockets: () => ctx.getWebSockets(),
      depart: (ws, att, code, reason) => this.depart(ws, att, code, reason),
      append: (entry, now, build, extra) => this.#history.append(entry, now, build, extra),
      page: (req, now) => this.#history.page(req, now),
      // Through the sender's inbox, which takes a token from their bucket there:
      // every road a user's private messages take shares one rate limit.
      sendPrivate: (from, req) => env.USER.getByName(from.id).sendPrivate(from, req),
    };
  }

  /** Accepts a WebSocket upgrade forwarded (and authenticated) by the worker. */
  override async fetch(req: Request): Promise<Response> {
    const upgrade = readForwardedUpgrade(req);
    const room = upgrade?.room;
    if (!upgrade || room === undefined) return notFoundResponse();
    // Before the socket is accepted, so a banned user never appears in presence.
    // Answered from memory after the user's first look-up; admins are above bans.
    const ban = this.#banOf(upgrade.identity);
    if (ban) return refusalResponse(ban);
    const url = new URL(req.url);
    const diffs = url.searchParams.get(PRESENCE_DIFF_QUERY.name) === PRESENCE_DIFF_QUERY.value;
    const { history, ...welcome } = welcomeHistory(this.store, sinceOf(url), this.config.historyOnJoin);
    return this.acceptSocket(
      upgrade,
      { room, ...roleField(upgrade.identity, room) },
      [diffs ? PresenceTag.Diff : PresenceTag.Each],
      (ws, att, now) => {
        this.presence.join(ws, att, now);
        sendText(
          ws,
          welcomeText(
            { type: "welcome", clientId: att.connId, user: att.user, room, seq: this.store.seq },
            this.presence.listJson(),
            {
              history: history.map((entry) => this.files.link(entry, now)),
              ...welcome,
              settings: this.moderation.settings(),
              canModerate: att.role !== undefined,
            },
          ),
        );
      },
    );
  }

  /**
   * A history page for `GET /v1/rooms/:room/messages` (RPC from the worker), or
   * the ban that refuses the reader: the same rule as upgrades, so the SDK's
   * refusal probe learns why an upgrade failed.
   */
  history(req: HistoryRequest, reader: Identity): MessagePage<HistoryEntry> | { refused: Refusal } {
    const ban = this.#banOf(reader);
    if (ban) return { refused: ban };
    return this.#history.page(req, Date.now());
  }

  /** The audit log for `GET /v1/rooms/:room/moderation` (RPC; the worker checks the role). */
  moderationLog(req: AuditLogRequest): AuditLogPage {
    return this.moderation.log.page(req, this.pageSize());
  }

  /** Active bans for `GET /v1/rooms/:room/bans` (RPC; the worker checks the role). */
  bans(): Omit<BanList, "room"> {
    return { bans: this.moderation.bans.list(Date.now()) };
  }

  /** Active mutes for `GET /v1/rooms/:room/mutes` (RPC; the worker checks the role). */
  mutes(): Omit<MuteList, "room"> {
    return { mutes: this.moderation.mutes.list(Date.now()) };
  }

  /** RPC from the worker for `POST /v1/rooms/:room/messages` (a service token, checked there). */
  publish(req: PublishRequest): PublishOutcome | Promise<PublishOutcome> {
    // A stored message's count joins that commit (once the pre-publish hook, if
    // one is asked, has answered and the message is stored).
    return afterOutcome(publishForService(this.handlerContext, req, Date.now()), (settled) => {
      this.counters.settle(Date.now(), true);
      return settled;
    });
  }

  /** RPC from the worker before an upload streams: a ban, a `cid` retry, a mute or slow mode, quota, upload rate. */
  admitUpload(req: UploadAdmission, uploader: Identity): Admission {
    const banned = this.#uploadBan(uploader);
    return banned ?? admitUpload(this.handlerContext, req, posterOf(uploader, req.room), Date.now());
  }

  /** RPC from the worker once an upload is in R2: stores and broadcasts its `file_share`. */
  shareFile(req: ShareRequest, uploader: Identity): ShareOutcome {
    // Banned (or muted, or slowed) while the bytes streamed: refused, and the worker deletes the object.
    const banned = this.#uploadBan(uploader);
    if (banned) return banned;
    const outcome = shareFile(this.handlerContext, req, posterOf(uploader, req.room), Date.now());
    // The share was stored in this call: its count joins that commit.
    this.counters.settle(Date.now(), true);
    return outcome;
  }

  /**
   * Announces the user's departure if it was their last connection: at once
   * after a clean close, else after the presence grace (returned: the alarm
   * must fire by then).
   */
  protected override onLeave(
    ws: WebSocket,
    att: ConnectionAttachment,
    now: number,
    clean: boolean,
  ): number | undefined {
    return this.presence.leave(ws, att, now, clean);
  }

  /** Ends due presence graces, then sends the batched presence changes (the sweep's departures included). */
  protected override onAlarm(now: number): number | undefined {
    this.presence.expireGrace(now);
    this.presence.flush(now);
    this.files.prune(now);
    this.handlerContext.serviceLimiter.prune(now);
    return this.presence.nextGraceDue();
  }

  /** A refreshed token must still cover this room. */
  protected override refreshScope(att: ConnectionAttachment): RefreshScope {
    return { userId: att.user.id, room: att.room };
  }

  /** The connection's role follows the refreshed token. */
  protected override onTokenRefreshed(att: ConnectionAttachment, identity: Identity): void {
    const { role } = roleField(identity, att.room);
    if (role) att.role = role;
    else delete att.role;
  }

  /** An upload's refusal for a banned uploader (the same rule and body as upgrades). */
  #uploadBan(uploader: Identity): { kind: "refused"; refusal: Refusal } | undefined {
    const ban = this.#banOf(uploader);
    return ban ? { kind: "refused", refusal: ban } : undefined;
  }

  /** The `403 banned` refusal for this identity (with `until`), or undefined when it may enter. */
  #banOf(identity: Identity): Refusal | undefined {
    if (identity.role === "admin") return undefined;
    const ban = this.moderation.bans.active(identity.id, Date.now());
    if (!ban) return undefined;
    const when = ban.until === null ? "permanently" : `until ${new Date(ban.until).toISOString()}`;
    return {
      code: "banned",
      status: 403,
      message: `you are banned from this room ${when}`,
      until: ban.until,
    };
  }
}

/** Who posts an upload: the token's user, with its role as a room connection would have it. */
function posterOf(identity: Identity, room: string): Poster {
  return { user: { id: identity.id, name: identity.name }, ...roleField(identity, room) };
}

/** The attachment's `role`: the token's role if it may moderate `room`. */
function roleField(identity: Identity, room: string): Pick<ConnectionAttachment, "role"> {
  const { role } = identity;
  return (role === "admin" || role === "moderator") && canModerate(identity, room) ? { role } : {};
}

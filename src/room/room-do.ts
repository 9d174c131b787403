/**
 * RoomDO: one Durable Object per room, the single writer of its history.
 * Sockets are accepted with the Hibernation API, so an idle room is evicted from
 * memory while its clients stay connected; heartbeats are answered by the
 * runtime's auto-response without waking it. Nothing here lives only in memory:
 * per-socket state is in attachments, room state in SQLite, and the idle sweep
 * is an alarm (a room has no timers).
 */
import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "../config";
import {
  CloseCode,
  ErrorCode,
  isReservedCloseCode,
  PING_FRAME,
  PONG_FRAME,
  PRESENCE_DIFF_QUERY,
  SUBPROTOCOL,
} from "../protocol/codes";
import type { WelcomeFrame } from "../protocol/frames";
import { type ClientFrame, HISTORY_PAGE_MAX, type HistoryRequest, querySeq } from "../protocol/schemas";
import { type ConnectionAttachment, readAttachment, writeAttachment } from "./attachment";
import { PresenceTag, sendFrame } from "./connections";
import { errorFrame } from "./error-frame";
import { readForwardedIdentity } from "./forwarded-identity";
import { handleClientFrame } from "./frame-handlers";
import { HistoryStore, type MessagePage } from "./history-store";
import { MIN_SWEEP_INTERVAL_MS, nextSweepAt, sweepVerdict } from "./idle-sweep";
import { frameParser, type ParseResult } from "./parse-frame";
import { RateLimiter } from "./rate-limiter";
import { RoomPresence } from "./room-presence";

/** Attachment writes for activity alone are skipped within this window (the sweep is coarser). */
const ACTIVITY_WRITE_INTERVAL_MS = 1000;

/** The Durable Object behind one room. */
export class RoomDO extends DurableObject<Env> {
  readonly config: Config;
  readonly store: HistoryStore;
  readonly limiter: RateLimiter;
  readonly presence: RoomPresence;
  readonly #parse: (raw: string | ArrayBuffer) => ParseResult;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Cheap and idempotent: this runs on every wake-up from hibernation.
    this.config = readConfig(env);
    // A constructor run is a wake-up: `npm run bench` counts these lines to show
    // that heartbeats never wake a hibernated room.
    if (this.config.logRoomWakeups) console.log("roomcast:room-wake");
    this.store = new HistoryStore(ctx.storage, this.config.historyLimit);
    this.limiter = new RateLimiter(ctx.storage.sql, this.config.rateLimitPerMinute);
    this.presence = new RoomPresence(ctx, this.config);
    this.#parse = frameParser(this.config);
    // Answered by the runtime while the room sleeps; the sweep reads the
    // auto-response timestamp so these pings still count as activity.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  /** Accepts a WebSocket upgrade forwarded (and authenticated) by the worker. */
  override async fetch(req: Request): Promise<Response> {
    const forwarded = readForwardedIdentity(req);
    if (!forwarded || req.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "not_found", message: "no such endpoint" }, { status: 404 });
    }
    const { room, identity } = forwarded;
    const now = Date.now();
    const url = new URL(req.url);
    const diffs = url.searchParams.get(PRESENCE_DIFF_QUERY.name) === PRESENCE_DIFF_QUERY.value;
    const { 0: client, 1: server } = new WebSocketPair();
    const att: ConnectionAttachment = {
      v: 1,
      connId: crypto.randomUUID(),
      room,
      user: { id: identity.id, name: identity.name },
      exp: identity.exp,
      lastActive: now,
      strikes: 0,
      left: false,
    };
    // Everything that can fail comes before the socket is accepted and announced,
    // so a failed upgrade leaves no member behind. Storage awaits keep the input
    // gate closed, so no other event runs in between.
    const history = this.#welcomeHistory(parseSince(url.searchParams.get("since")));
    await this.#ensureSweep(now, att.exp * 1000);
    this.ctx.acceptWebSocket(server, [diffs ? PresenceTag.Diff : PresenceTag.Each]);
    writeAttachment(server, att);
    this.presence.join(server, att, now);
    sendFrame(server, {
      type: "welcome",
      clientId: att.connId,
      user: att.user,
      room,
      seq: this.store.seq,
      presence: this.presence.list(),
      ...history,
    } satisfies WelcomeFrame);

    const headers = forwarded.answerSubprotocol ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** A history page for `GET /v1/rooms/:room/messages` (RPC from the worker). */
  history(req: HistoryRequest): MessagePage {
    return this.store.page(req, this.pageSize());
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const att = readAttachment(ws);
    if (!att || att.left) return;
    const now = Date.now();
    if (att.exp * 1000 <= now) {
      this.depart(ws, att, CloseCode.TokenExpired, "token expired");
      return;
    }
    let dirty = now - att.lastActive >= ACTIVITY_WRITE_INTERVAL_MS;
    att.lastActive = now;
    dirty = this.#receive(ws, att, raw, now) || dirty;
    if (dirty && !att.left) writeAttachment(ws, att);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.#forget(ws);
    // Complete the closing handshake. 1005/1006/1015 describe what happened on the
    // wire and must never be sent back; the runtime may also have answered
    // already (auto-reply to close), in which case close() throws.
    try {
      ws.close(isReservedCloseCode(code) ? CloseCode.Normal : code, reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#forget(ws);
  }

  /** The idle sweep: closes silent and expired connections, then re-arms itself. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const deadlines: number[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const att = readAttachment(ws);
      if (!att || att.left) continue;
      const verdict = sweepVerdict(att, this.ctx.getWebSocketAutoResponseTimestamp(ws), now, this.config);
      if (verdict.close) this.depart(ws, att, verdict.code, verdict.reason);
      else deadlines.push(verdict.deadline);
    }
    this.limiter.prune(now);
    // After the sweep, so the departures it caused go out in this diff.
    this.presence.flush(now);
    const next = nextSweepAt(deadlines, now);
    if (next !== undefined) await this.ctx.storage.setAlarm(next);
  }

  /**
   * Closes `ws` from the server side and announces the user's departure if it
   * was their last connection. Marked in the attachment first, so the close
   * handler that follows does not announce it twice.
   */
  depart(ws: WebSocket, att: ConnectionAttachment, code: CloseCode, reason: string): void {
    att.left = true;
    writeAttachment(ws, att);
    try {
      ws.close(code, reason);
    } catch {
      // Already closed by the peer.
    }
    this.presence.leave(ws, att, Date.now());
  }

  /** The room's sockets, open or closing (the runtime keeps them across hibernation). */
  sockets(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  /** Page size for history requests that give no limit. */
  pageSize(): number {
    return Math.min(this.config.historyOnJoin, HISTORY_PAGE_MAX);
  }

  /** Handles one frame; returns whether the attachment changed. */
  #receive(ws: WebSocket, att: ConnectionAttachment, raw: string | ArrayBuffer, now: number): boolean {
    const parsed = this.#parse(raw);
    if (parsed.ok && parsed.frame.type === "ping") {
      // A ping that is not byte-for-byte the auto-response text still gets a pong.
      sendFrame(ws, { type: "pong" });
      return false;
    }
    // Every other frame, valid or not, costs a token: floods of garbage are limited too.
    const verdict = this.limiter.take(att.user.id, now);
    if (!verdict.ok) {
      att.strikes += 1;
      const ref = parsed.ok ? cidOf(parsed.frame) : parsed.error.ref;
      sendFrame(
        ws,
        errorFrame(ErrorCode.RateLimited, "too many messages; slow down", {
          ref,
          retryAfterMs: verdict.retryAfterMs,
        }),
      );
      if (att.strikes >= this.config.rateLimitStrikes) {
        this.depart(ws, att, CloseCode.RateLimited, "rate limit exceeded");
      }
      return true;
    }
    const hadStrikes = att.strikes > 0;
    att.strikes = 0;
    if (!parsed.ok) {
      sendFrame(ws, parsed.error);
      return hadStrikes;
    }
    try {
      handleClientFrame(this, ws, att, parsed.frame, now);
    } catch (err) {
      // Nothing was stored (see HistoryStore.append); the ref lets the client
      // fail the right send instead of waiting for an ack that never comes.
      console.error(`room frame failed: ${err instanceof Error ? err.message : String(err)}`);
      sendFrame(ws, errorFrame(ErrorCode.Internal, "internal error", { ref: cidOf(parsed.frame) }));
    }
    return hadStrikes;
  }

  #welcomeHistory(since: number | undefined): Pick<WelcomeFrame, "history" | "hasMore" | "resumed"> {
    const onJoin = this.config.historyOnJoin;
    if (since !== undefined && since <= this.store.seq && since + 1 >= this.store.oldestKept()) {
      const page = this.store.page({ after: since, limit: onJoin }, onJoin);
      return { history: page.messages, hasMore: page.hasMore, resumed: true };
    }
    // No `since`, a `since` older than what is kept, or newer than the room (it was reset).
    const page = this.store.page({ limit: onJoin }, onJoin);
    return { history: page.messages, hasMore: page.hasMore, resumed: false };
  }

  /** Bookkeeping for a socket the peer closed or broke. */
  #forget(ws: WebSocket): void {
    const att = readAttachment(ws);
    if (!att || att.left) return;
    att.left = true;
    this.presence.leave(ws, att, Date.now());
  }

  /**
   * Makes sure the sweep runs by this connection's first deadline (idle or token
   * expiry, whichever is sooner): armed if unarmed, moved earlier if later. A
   * socket that only pings never reaches webSocketMessage, so only the sweep can
   * notice its token expire.
   */
  async #ensureSweep(now: number, expiresAt: number): Promise<void> {
    const due = Math.max(Math.min(now + this.config.idleTimeoutMs, expiresAt), now + MIN_SWEEP_INTERVAL_MS);
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > due) await this.ctx.storage.setAlarm(due);
  }
}

function cidOf(frame: ClientFrame): string | undefined {
  return "cid" in frame ? frame.cid : undefined;
}

/** `since` from the upgrade URL (the worker refuses malformed ones with 400). */
function parseSince(raw: string | null): number | undefined {
  const parsed = querySeq.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The hibernation machinery rooms and inboxes share: a Durable Object whose
 * sockets are accepted with the Hibernation API, so an idle object is evicted
 * from memory while its clients stay connected, and heartbeats are answered by
 * the runtime's auto-response without waking it. Nothing here lives only in
 * memory: per-socket state is in attachments, object state in SQLite, and the
 * idle/expiry sweep is an alarm (no timers).
 *
 * This class owns the socket lifecycle only: accept, each frame's way in
 * (expiry, then the boundary checks of {@link FrameGate}, then `auth` refreshes
 * in socket-token-refresh.ts or the handler via frame-dispatch.ts), close and
 * error bookkeeping, the sweep, and departures. What a frame means, and what a
 * departure means to others, is the subclass's job ({@link FrameHandlers},
 * {@link onLeave}, {@link onAlarm}). Handlers get the subclass's narrow view of
 * itself (`C`, its {@link HibernatingObject.handlerContext}), never the object:
 * the object's public methods are its RPC surface and nothing else.
 */
import { DurableObject } from "cloudflare:workers";
import type { z } from "zod";
import type { RefreshScope } from "../auth/token-refresh";
import type { Identity } from "../auth/verify";
import { type Config, type EventWebhookConfig, readConfig } from "../config";
import { AbuseReports } from "../guard/abuse-reports";
import { logEvent } from "../logging/log";
import { CloseCode, isReservedCloseCode, PING_FRAME, PONG_FRAME, SUBPROTOCOL } from "../protocol/codes";
import { type AuthFrame, HISTORY_PAGE_MAX } from "../protocol/schemas";
import { ackSerial } from "../stats/frame-tally";
import { ObjectCounters } from "../stats/object-counters";
import type { SourceKind } from "../stats/report";
import { readAttachment, type SocketAttachment, writeAttachment } from "./attachment";
import type { ForwardedUpgrade } from "./forwarded-upgrade";
import { dispatchFrame, type FrameHandlers } from "./frame-dispatch";
import { FrameGate, type TypedFrame } from "./frame-gate";
import { MIN_SWEEP_INTERVAL_MS, nextSweepAt, sweepVerdict } from "./idle-sweep";
import { InFlight } from "./in-flight";
import { RateLimiter } from "./rate-limiter";
import { refreshSocketToken, type TokenRefreshOwner } from "./socket-token-refresh";
import { liveConnections, sendFrame } from "./sockets";

export type { FrameHandlers } from "./frame-dispatch";
export type { TypedFrame } from "./frame-gate";

/** RFC 6455's code for a connection lost without a close frame (counted, never sent). */
const ABNORMAL_CLOSURE = 1006;

/** Attachment writes for activity alone are skipped within this window (the sweep is coarser). */
const ACTIVITY_WRITE_INTERVAL_MS = 1000;

/**
 * A Durable Object with hibernating sockets whose attachments are `A`, whose
 * client frames are `F`, and whose frame handlers get `C`.
 */
export abstract class HibernatingObject<
  A extends SocketAttachment,
  F extends TypedFrame,
  C,
> extends DurableObject<Env> {
  protected readonly config: Config;
  protected readonly limiter: RateLimiter;
  /** The boundary of every frame: pings, budgets, strikes, parsing (see FrameGate). */
  protected readonly gate: FrameGate<F>;
  /** Strikes against connections' IPs and the content policy (the abuse guard). */
  protected readonly abuse: AbuseReports;
  /** What this object counts for monitoring (see ObjectCounters: no wake-up, no write of its own per message). */
  protected readonly counters: ObjectCounters;
  readonly #kind: SourceKind;
  /** The narrow view of this object a token refresh gets. */
  readonly #refreshOwner: TokenRefreshOwner<A>;
  /** What each socket's frames left running: refusals and closes go out behind it. */
  readonly #inFlight = new InFlight();
  /** Set by {@link eventWebhooks}: retried by the alarm. */
  #webhooks: { retry(): Promise<void> } | undefined;

  /**
   * `schema` builds the client-frame schema from the config (once per wake-up);
   * `kind` names the object in the stats.
   */
  constructor(ctx: DurableObjectState, env: Env, schema: (config: Config) => z.ZodType<F>, kind: SourceKind) {
    super(ctx, env);
    // Cheap and idempotent: this runs on every wake-up from hibernation.
    this.config = readConfig(env);
    this.limiter = new RateLimiter(ctx.storage.sql, this.config.rateLimitPerMinute);
    // The narrow view of this object that monitoring, strike reports and the gate get.
    const connections = () => liveConnections<A>(ctx.getWebSockets());
    const depart = (ws: WebSocket, att: SocketAttachment, code: CloseCode, reason: string) =>
      this.depart(ws, att as A, code, reason);
    this.abuse = new AbuseReports(ctx, env, this.config, { connections, depart });
    this.counters = new ObjectCounters(ctx, env, this.config, kind, connections);
    this.#kind = kind;
    this.gate = new FrameGate(
      schema(this.config),
      this.config.maxMessageBytes,
      this.limiter,
      this.config.rateLimitStrikes,
      {
        depart,
        refuse: (ws, refusal) => this.#inFlight.after(ws, () => sendFrame(ws, refusal)),
        abuse: this.abuse,
      },
    );
    this.#refreshOwner = {
      env,
      scope: (att) => this.refreshScope(att),
      refreshed: (att, identity) => this.onTokenRefreshed(att, identity),
      ensureAlarmBy: (due) => this.ensureAlarmBy(due),
    };
    // Answered by the runtime while the object sleeps; the sweep reads the
    // auto-response timestamp so these pings still count as activity.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  /** The handlers of the frames that passed the boundary checks. */
  protected abstract readonly handlers: FrameHandlers<C, A, F>;

  /** What the handlers may read and do of this object (built once per wake-up). */
  protected abstract readonly handlerContext: C;

  /**
   * A connection is gone (closed by either side); `att.left` is already set.
   * `clean` is false when the peer dropped without a normal close (anything
   * but 1000, or an error): the subclass may then hold back what it announces,
   * returning when the alarm must fire to finish the job.
   */
  protected onLeave(_ws: WebSocket, _att: A, _now: number, _clean: boolean): number | undefined {
    return undefined;
  }

  /**
   * What a socket's token is bound to besides its user, for `auth` refreshes
   * (a room socket's room: the new token's rooms claim must still cover it).
   */
  protected refreshScope(att: A): RefreshScope {
    return { userId: att.user.id };
  }

  /** Updates what the subclass derives from the token (a role) after a refresh; `att` is written after. */
  protected onTokenRefreshed(_att: A, _identity: Identity): void {}

  /**
   * Runs in the alarm, after the sweep; returns the object's own next deadline,
   * if it has one, so the alarm also fires by then.
   */
  protected onAlarm(_now: number): number | undefined {
    return undefined;
  }

  /**
   * Accepts a forwarded upgrade: arms the sweep, accepts the socket with the
   * Hibernation API under `tags`, stores its attachment (the shared fields plus
   * `extra`), then lets `greet` announce it and send the welcome. Whatever can
   * fail belongs before this call, so a failed upgrade leaves no connection.
   */
  protected async acceptSocket(
    upgrade: ForwardedUpgrade,
    extra: Omit<A, keyof SocketAttachment>,
    tags: string[],
    greet: (ws: WebSocket, att: A, now: number) => void,
  ): Promise<Response> {
    const now = Date.now();
    const { identity } = upgrade;
    const { 0: client, 1: server } = new WebSocketPair();
    const att = {
      v: 1,
      connId: crypto.randomUUID(),
      user: { id: identity.id, name: identity.name },
      exp: identity.exp,
      lastActive: now,
      connectedAt: now,
      strikes: 0,
      left: false,
      ...(upgrade.ip !== undefined ? { ip: upgrade.ip } : {}),
      ...extra,
    } as A;
    // Storage awaits keep the input gate closed, so no other event runs in between.
    await this.ensureAlarmBy(Math.min(now + this.config.idleTimeoutMs, att.exp * 1000));
    this.ctx.acceptWebSocket(server, tags);
    writeAttachment(server, att);
    greet(server, att, now);
    this.#log("connect", att);
    // A connect writes nothing: the stats object derives it from live connections.
    this.counters.settle(now, false);
    const headers = upgrade.answerSubprotocol ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const att = readAttachment<A>(ws);
    if (!att || att.left) return;
    const now = Date.now();
    if (att.exp * 1000 <= now) {
      this.depart(ws, att, CloseCode.TokenExpired, "token expired");
      return;
    }
    const dirty = now - att.lastActive >= ACTIVITY_WRITE_INTERVAL_MS;
    const { strikes, invalidFrames } = att;
    att.lastActive = now;
    const acks = ackSerial();
    const { frame, charged } = this.gate.admit(ws, att, raw, now);
    const pending =
      frame === undefined
        ? undefined
        : frame.type === "auth"
          ? refreshSocketToken(ws, frame as unknown as AuthFrame, this.#refreshOwner)
          : dispatchFrame(this.handlers, this.handlerContext, ws, att, frame, now);
    const changed = att.strikes !== strikes || att.invalidFrames !== invalidFrames;
    // Written before any await, so a slower frame never writes back an older state.
    if ((dirty || changed) && !att.left) writeAttachment(ws, att);
    if (!pending && ackSerial() !== acks) this.counters.timeAck(now);
    // Saved with every charged frame: a message's in the commit of its row (its
    // bucket is written only now and then, see RateLimiter).
    this.counters.settle(now, charged);
    if (pending) {
      this.#inFlight.track(ws, pending);
      await pending;
      // What the awaited part counted is saved with the object's next write.
      if (ackSerial() !== acks) this.counters.timeAck(now);
      this.counters.settle(Date.now(), false);
    }
    // Strike reports made by this frame, awaited inside the event: a block they
    // cause closes the offender's sockets, which only works while the event is live.
    const reports = this.abuse.settle();
    if (reports) await reports;
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Only a 1000 from the peer is a clean goodbye; anything else (1001 from a
    // closing tab, 1006 from a dropped connection) may be a blip.
    const due = this.#forget(ws, code, code === CloseCode.Normal);
    // Complete the closing handshake. 1005/1006/1015 describe what happened on the
    // wire and must never be sent back; the runtime may also have answered
    // already (auto-reply to close), in which case close() throws. Done before
    // any await: local workerd releases the connection of a socket the server
    // closed first only on a close started in this handler (docs/operations.md).
    try {
      ws.close(isReservedCloseCode(code) ? CloseCode.Normal : code, reason);
    } catch {
      // Already closed.
    }
    // The one write monitoring adds: the close is counted durably, after it was
    // answered and announced, so nothing waits for the commit. The last
    // connection's close reports at once: no event may follow it.
    this.counters.settle(Date.now(), true, !this.#anyLive(ws));
    if (due !== undefined) await this.ensureAlarmBy(due);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    const due = this.#forget(ws, ABNORMAL_CLOSURE, false);
    this.counters.settle(Date.now(), true, !this.#anyLive(ws));
    if (due !== undefined) await this.ensureAlarmBy(due);
  }

  /** One structured log line about a connection (never its token). */
  #log(event: "connect" | "close", att: A, fields: Record<string, unknown> = {}): void {
    const room = (att as { room?: string }).room;
    logEvent(event, {
      kind: this.#kind,
      ...(room !== undefined ? { room } : {}),
      user: att.user.id,
      conn: att.connId,
      ...fields,
    });
  }

  /** Whether a connection other than `gone` is still open (stops at the first: usually the first socket). */
  #anyLive(gone: WebSocket): boolean {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === gone || ws.readyState !== WebSocket.OPEN) continue;
      const att = readAttachment<A>(ws);
      if (att && !att.left) return true;
    }
    return false;
  }

  /** The idle sweep: closes silent and expired connections, then re-arms itself. */
  override async alarm(): Promise<void> {
    await this.#sweep();
    // Then the webhook retries that are due, awaited (see WebhookEvents).
    await this.#webhooks?.retry();
  }

  /**
   * This object's event webhooks (`EVENT_WEBHOOK_URL`), or undefined when they
   * are off: `Events` is given the object's alarm to arm for retries and its
   * counters for failed deliveries, and the alarm retries what is due.
   * @example this.events = this.eventWebhooks(RoomEvents);
   */
  protected eventWebhooks<E extends { retry(): Promise<void> }>(
    Events: new (
      ctx: DurableObjectState,
      webhook: EventWebhookConfig,
      armBy: (due: number) => Promise<void>,
      onFailedAttempt: () => void,
    ) => E,
  ): E | undefined {
    const webhook = this.config.eventWebhook;
    if (!webhook) return undefined;
    const events = new Events(
      this.ctx,
      webhook,
      (due) => this.ensureAlarmBy(due),
      () => this.counters.failure("webhook"),
    );
    this.#webhooks = events;
    return events;
  }

  /** The idle/expiry sweep and the object's own alarm work; re-arms for the next deadline. */
  async #sweep(): Promise<void> {
    const now = Date.now();
    const deadlines: number[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const att = readAttachment<A>(ws);
      if (!att || att.left) continue;
      const verdict = sweepVerdict(att, this.ctx.getWebSocketAutoResponseTimestamp(ws), now, this.config);
      if (verdict.close) this.depart(ws, att, verdict.code, verdict.reason);
      else deadlines.push(verdict.deadline);
    }
    this.gate.prune(now);
    // The room's own alarm: with no connection left, no other event may come, so
    // this is its last report (its live connections drop to 0 in the stats).
    this.counters.settle(now, true, deadlines.length === 0);
    // After the sweep, so what the departures caused is included.
    const own = this.onAlarm(now);
    if (own !== undefined) deadlines.push(own);
    const next = nextSweepAt(deadlines, now);
    if (next !== undefined) await this.ctx.storage.setAlarm(next);
  }

  /**
   * Closes `ws` from the server side and does the departure bookkeeping. Marked
   * in the attachment first, so the close handler that follows does not do it
   * twice and the socket's later frames are ignored. The close itself waits for
   * the work its earlier frames still have running, so every message stored is
   * acked before it.
   */
  protected depart(ws: WebSocket, att: A, code: CloseCode, reason: string): void {
    att.left = true;
    this.counters.closed(code);
    this.#log("close", att, { code, by: "server", reason });
    writeAttachment(ws, att);
    this.#inFlight.after(ws, () => {
      try {
        ws.close(code, reason);
      } catch {
        // Already closed by the peer.
      }
    });
    // A server-side close is deliberate: announced at once, never held.
    this.onLeave(ws, att, Date.now(), true);
  }

  /** The object's sockets, open or closing (the runtime keeps them across hibernation). */
  protected sockets(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  /** Page size for history requests that give no limit. */
  protected pageSize(): number {
    return Math.min(this.config.historyOnJoin, HISTORY_PAGE_MAX);
  }

  /**
   * Bookkeeping for a socket the peer closed or broke; returns when the alarm
   * must fire to finish what {@link onLeave} held back.
   */
  #forget(ws: WebSocket, code: number, clean: boolean): number | undefined {
    const att = readAttachment<A>(ws);
    if (!att || att.left) return undefined;
    att.left = true;
    this.counters.closed(code);
    this.#log("close", att, { code, by: "client" });
    return this.onLeave(ws, att, Date.now(), clean);
  }

  /**
   * Makes sure the alarm (the sweep, and whatever {@link onAlarm} finishes)
   * runs by `due`: armed if unarmed, moved earlier if later. A socket that only
   * pings never reaches webSocketMessage, so only the sweep can notice its
   * token expire: upgrades and refreshes arm it by their deadlines.
   */
  protected async ensureAlarmBy(due: number): Promise<void> {
    const at = Math.max(due, Date.now() + MIN_SWEEP_INTERVAL_MS);
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > at) await this.ctx.storage.setAlarm(at);
  }
}

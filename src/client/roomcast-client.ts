/**
 * RoomcastClient: one object per room. It keeps a socket to the room open
 * across drops (backoff with jitter, heartbeats, token refresh), resumes with
 * `since` so the application sees every message exactly once and in order, and
 * holds unacknowledged messages in an outbox that is retried with the same
 * `cid` after a reconnect. For several rooms, create several clients.
 *
 * This file is the connection lifecycle and reconnect policy; the room's state
 * (messages, presence, outbox, history) lives in {@link RoomSession}.
 */
import type { AckFrame, HistoryFrame, ServerFrame, UserRef } from "../protocol/frames";
import { isValidRoomName } from "../protocol/room-name";
import type { HistoryRequest } from "../protocol/schemas";
import { backoffDelay } from "./backoff";
import { type CloseInfo, closeAction } from "./close-policy";
import { Connection } from "./connection";
import { Emitter, type Unsubscribe } from "./emitter";
import { RoomcastError } from "./errors";
import { type ClientEvents, type ConnectionState, nextWelcome } from "./events";
import { newCid } from "./ids";
import { type ClientOptions, type ResolvedOptions, resolveOptions, type TokenRequestReason } from "./options";
import type { OutboxEntry } from "./outbox";
import { probeRefusal } from "./refusal-probe";
import { RoomSession } from "./room-session";
import { Timer } from "./timing";
import { openSocket, resolveTransport, socketBase } from "./transport";

/**
 * A connection to one room.
 * @example
 * const client = new RoomcastClient({ url: "https://chat.example.com", room: "general", token });
 * client.on("message", (m) => console.log(`${m.from.name}: ${m.content}`));
 * client.on("state", (s) => console.log(s.status));
 * await client.connect();
 * await client.send("hello"); // resolves with the ack
 */
export class RoomcastClient {
  /** The room this client is for. */
  readonly room: string;
  readonly #o: ResolvedOptions;
  readonly #base: URL;
  readonly #events = new Emitter<ClientEvents>();
  readonly #session: RoomSession;
  readonly #retry: Timer;
  #state: ConnectionState = { status: "idle" };
  #conn: Connection | undefined;
  #attempt = 0;
  #tokenReason: TokenRequestReason = "initial";
  #refreshedAfterRefusal = false;
  /** Bumped whenever in-flight async work (token, probe) must be ignored. */
  #generation = 0;

  constructor(options: ClientOptions) {
    if (!isValidRoomName(options.room)) {
      throw new RoomcastError("invalid_argument", "room names are 1-100 of A-Z a-z 0-9 _ -");
    }
    this.room = options.room;
    this.#o = resolveOptions(options);
    this.#base = socketBase(this.#o.url);
    this.#retry = new Timer(this.#o.timing);
    this.#session = new RoomSession(this.#o, this.#events, () =>
      this.#conn?.abandon({ code: 4000, reason: "catch-up timed out", kind: "network" }),
    );
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }
  /** Who the room says we are (after the first welcome). */
  get user(): UserRef | undefined {
    return this.#session.user;
  }
  /** Everyone in the room, as of the last welcome and presence frames. */
  get presence(): UserRef[] {
    return this.#session.presence.list();
  }
  /** Other users currently typing. */
  get typingUsers(): UserRef[] {
    return this.#session.typingIn.users();
  }
  /** Messages waiting for an ack, oldest first. */
  get outbox(): OutboxEntry[] {
    return this.#session.outbox.snapshot();
  }
  /** The last seq delivered as a `message` (what a resume starts after). */
  get lastSeq(): number {
    return this.#session.sequencer.lastSeq;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): Unsubscribe {
    return this.#events.on(event, listener);
  }
  /** Subscribes to the next `event` only. */
  once<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): Unsubscribe {
    return this.#events.once(event, listener);
  }

  /**
   * Starts connecting (again, after a `closed` state). Resolves at the next
   * welcome; rejects if the client closes for good first.
   */
  connect(): Promise<ClientEvents["welcome"]> {
    const opened =
      this.#state.status === "open" ? Promise.resolve(this.#state.welcome) : nextWelcome(this.#events);
    if (this.#state.status === "idle" || this.#state.status === "closed") {
      this.#attempt = 0;
      void this.#open();
    }
    return opened;
  }

  /**
   * Sends a message. It waits in the outbox while disconnected and is retried
   * with the same `cid` until acked. Resolves with the ack; rejects with a
   * {@link RoomcastError}: the server's code from an `error` frame with this
   * `cid` as `ref`, or `closed` when the client closes for good first.
   */
  send(content: string, options: { cid?: string } = {}): Promise<AckFrame> {
    if (typeof content !== "string" || content.length === 0) {
      return Promise.reject(new RoomcastError("invalid_argument", "content must be a non-empty string"));
    }
    const cid = options.cid ?? newCid();
    if (this.outbox.some((e) => e.cid === cid)) {
      return Promise.reject(new RoomcastError("invalid_argument", `cid ${cid} is already in the outbox`));
    }
    if (this.#state.status === "closed") {
      return Promise.reject(new RoomcastError("closed", "the client is closed"));
    }
    return this.#session.send(cid, content, this.#o.timing.now());
  }

  /** Loads the page before the oldest message seen (returned, not emitted as `message`). */
  async loadOlder(limit = 50): Promise<HistoryFrame> {
    const sequencer = this.#session.sequencer;
    const page = await this.history({ before: sequencer.oldestSeq ?? sequencer.lastSeq + 1, limit });
    sequencer.older(page.messages);
    return page;
  }

  /** Any `history` request; queued while disconnected. */
  history(query: HistoryRequest): Promise<HistoryFrame> {
    if (this.#state.status === "closed") {
      return Promise.reject(new RoomcastError("closed", "the client is closed"));
    }
    return this.#session.history(query);
  }

  /** Call on every keystroke: sends throttled typing indicators, and `false` after a pause. */
  typing(): void {
    this.#session.typingOut.keystroke();
  }
  /** The user stopped typing (sent or cleared the message). */
  stopTyping(): void {
    this.#session.typingOut.stop();
  }

  /** Skips the rest of a reconnect delay (say, when the browser reports it is back online). */
  reconnectNow(): void {
    if (this.#state.status !== "reconnecting") return;
    this.#retry.cancel();
    void this.#open();
  }

  /** Leaves the room (`leave_room`; the room closes the socket with 1000, and no reconnect follows). */
  leave(): void {
    if (!this.#session.write({ type: "leave_room" })) this.close();
  }

  /** Closes for good: no reconnect; the outbox and pending requests are rejected. */
  close(): void {
    if (this.#state.status === "closed") return;
    const conn = this.#conn;
    const info: CloseInfo = { code: 1000, reason: "closed by the client", kind: "client" };
    this.#finish(info);
    conn?.abandon(info);
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    this.#setState({ status: "connecting", attempt: this.#attempt });
    let token: string;
    try {
      token = await this.#o.token(this.#tokenReason);
    } catch (err) {
      if (generation !== this.#generation) return;
      const reason = `token provider failed: ${err instanceof Error ? err.message : String(err)}`;
      this.#scheduleRetry({ code: 1006, reason, kind: "network" }, this.#backoff());
      return;
    }
    if (generation !== this.#generation) return;
    const transport = resolveTransport(this.#o.transport);
    const since = this.#session.sequencer.since;
    let ws: WebSocket;
    try {
      ws = openSocket(this.#o.WebSocket, this.#base, this.room, since, token, transport);
    } catch (err) {
      // A malformed URL or a token that is not a valid subprotocol: retrying cannot help.
      const reason = `could not open a socket: ${err instanceof Error ? err.message : String(err)}`;
      this.#finish({ code: 1006, reason, kind: "refused" });
      return;
    }
    const conn: Connection = new Connection(
      ws,
      { timing: this.#o.timing, connectTimeoutMs: this.#o.connectTimeoutMs, heartbeat: this.#o.heartbeat },
      {
        frame: (frame) => this.#onFrame(conn, frame),
        end: (info, welcomed) => void this.#onEnd(conn, info, welcomed, token),
      },
    );
    this.#conn = conn;
  }

  #onFrame(conn: Connection, frame: ServerFrame): void {
    if (frame.type === "welcome") {
      this.#attempt = 0;
      this.#refreshedAfterRefusal = false;
      this.#tokenReason = "reconnect";
      this.#setState({ status: "open", welcome: frame });
    }
    this.#session.frame(frame, (f) => conn.send(JSON.stringify(f)));
  }

  async #onEnd(conn: Connection, info: CloseInfo, welcomed: boolean, token: string): Promise<void> {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    if (this.#state.status === "closed") return;
    this.#session.detach();
    const generation = this.#generation;
    if (!welcomed && info.kind === "network" && this.#o.probeRefusals && this.#o.fetch) {
      const probe = await probeRefusal(this.#o.fetch, this.#base, this.room, token, this.#o.connectTimeoutMs);
      if (generation !== this.#generation) return;
      if (probe.refused) {
        // One fresh token per refusal streak: a provider that keeps minting bad tokens must not loop.
        if (probe.status === 401 && !this.#o.tokenIsStatic && !this.#refreshedAfterRefusal) {
          this.#refreshedAfterRefusal = true;
          this.#tokenReason = "refused";
          this.#scheduleRetry(info, 0);
        } else {
          const reason = `the upgrade was refused with HTTP ${probe.status}`;
          this.#finish({ code: info.code, reason, kind: "refused", status: probe.status });
        }
        return;
      }
    }
    switch (closeAction(info.kind)) {
      case "stop":
        this.#finish(info);
        break;
      case "refresh-token":
        if (this.#o.tokenIsStatic) {
          this.#finish(info);
        } else {
          this.#tokenReason = "expired";
          this.#scheduleRetry(info, 0);
        }
        break;
      case "retry-slow":
        this.#scheduleRetry(info, this.#o.reconnect.rateLimitedDelayMs + this.#backoff());
        break;
      case "retry":
        this.#scheduleRetry(info, this.#backoff());
        break;
    }
  }

  #backoff(): number {
    return backoffDelay(this.#attempt, this.#o.reconnect, this.#o.timing.random);
  }

  #scheduleRetry(info: CloseInfo, delayMs: number): void {
    if (this.#attempt >= this.#o.reconnect.maxAttempts) {
      this.#finish({ ...info, kind: "gave-up", reason: `gave up after ${this.#attempt} attempts` });
      return;
    }
    this.#attempt += 1;
    const retryAt = this.#o.timing.now() + delayMs;
    this.#setState({ status: "reconnecting", attempt: this.#attempt, delayMs, retryAt, reason: info });
    this.#retry.arm(() => void this.#open(), delayMs);
  }

  #finish(info: CloseInfo): void {
    this.#generation += 1;
    this.#retry.cancel();
    this.#setState({ status: "closed", reason: info });
    this.#session.fail(new RoomcastError("closed", `closed for good: ${info.kind} (${info.reason})`));
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#events.emit("state", state);
  }
}

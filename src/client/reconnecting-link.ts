/**
 * The connection lifecycle and reconnect policy shared by the room client and
 * the inbox client: token requests (fresh ones after 4001 or a 401 refusal),
 * backoff with jitter, the refusal probe, the close-code rules, and the
 * `state` machine. What a socket's frames mean is the session's job; the link
 * hands every frame to it, tells it when the socket drops (`detach`) and when
 * the client closes for good (`fail`).
 */
import type { AnyServerFrame } from "../protocol/frames";
import { backoffDelay } from "./backoff";
import { type CloseInfo, closeAction } from "./close-policy";
import { Connection } from "./connection";
import { RoomcastError } from "./errors";
import type { ConnectionState } from "./events";
import type { ResolvedOptions, TokenRequestReason } from "./options";
import { probeRefusal, refusalInfo } from "./refusal-probe";
import { Timer } from "./timing";
import { TokenRenewal } from "./token-renewal";
import { openSocket, resolveTransport, type SocketUrl } from "./transport";

/** Where a link connects. */
export interface LinkEndpoint {
  /** The upgrade URL for a `since` (and a token, for the query transport). */
  socketUrl: SocketUrl;
  /** The HTTP endpoint that runs the upgrade's checks, for the refusal probe. */
  probeUrl: URL;
}

/** What a link feeds: the state that outlives sockets. */
export interface LinkSession<F> {
  /** The `since` of the next upgrade (undefined: a fresh start). */
  readonly since: number | undefined;
  /** One frame; `write` writes on the socket it came on. */
  frame(frame: F, write: (frame: object) => boolean): void;
  /** The socket dropped; a reconnect may follow. */
  detach(): void;
  /** Closed for good. */
  fail(err: RoomcastError): void;
}

/**
 * A socket kept open across drops, for one endpoint. `W` is the endpoint's
 * welcome frame, `F` every frame it sends.
 * @example
 * const link = new ReconnectingLink(options, endpoint, session, (state) => events.emit("state", state));
 * link.connect();
 */
export class ReconnectingLink<W extends AnyServerFrame, F extends AnyServerFrame> {
  readonly #retry: Timer;
  readonly #renewal: TokenRenewal;
  #state: ConnectionState<W> = { status: "idle" };
  #conn: Connection | undefined;
  #attempt = 0;
  #tokenReason: TokenRequestReason = "initial";
  #refreshedAfterRefusal = false;
  /** Bumped whenever in-flight async work (token, probe) must be ignored. */
  #generation = 0;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly endpoint: LinkEndpoint,
    private readonly session: LinkSession<F>,
    private readonly onState: (state: ConnectionState<W>) => void,
    /** Renews the token on the open socket (called before it expires). */
    renew: () => Promise<unknown>,
  ) {
    this.#retry = new Timer(o.timing);
    this.#renewal = new TokenRenewal(o, renew);
  }

  /** The token now in force on the open socket (after an `auth_ok`): renew it before it expires. */
  renewed(token: string): void {
    this.#renewal.arm(token);
  }

  /** Ends for good with `info` (a kick or ban seen in a frame), without waiting for the close. */
  end(info: CloseInfo): void {
    if (this.#state.status === "closed") return;
    const conn = this.#conn;
    this.#finish(info);
    conn?.abandon(info);
  }

  /** The current connection state. */
  get state(): ConnectionState<W> {
    return this.#state;
  }

  /** Starts connecting, unless already connecting or open. */
  connect(): void {
    if (this.#state.status === "idle" || this.#state.status === "closed") {
      this.#attempt = 0;
      void this.#open();
    }
  }

  /** Drops the current socket as a network failure (a reconnect follows). */
  restart(reason: string): void {
    this.#conn?.abandon({ code: 4000, reason, kind: "network" });
  }

  /** Skips the rest of a reconnect delay. */
  reconnectNow(): void {
    if (this.#state.status !== "reconnecting") return;
    this.#retry.cancel();
    void this.#open();
  }

  /** Closes for good: no reconnect. */
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
      token = await this.o.token(this.#tokenReason);
    } catch (err) {
      if (generation !== this.#generation) return;
      const reason = `token provider failed: ${err instanceof Error ? err.message : String(err)}`;
      this.#scheduleRetry({ code: 1006, reason, kind: "network" }, this.#backoff());
      return;
    }
    if (generation !== this.#generation) return;
    const transport = resolveTransport(this.o.transport);
    let ws: WebSocket;
    try {
      ws = openSocket(this.o.WebSocket, this.endpoint.socketUrl, this.session.since, token, transport);
    } catch (err) {
      // A malformed URL or a token that is not a valid subprotocol: retrying cannot help.
      const reason = `could not open a socket: ${err instanceof Error ? err.message : String(err)}`;
      this.#finish({ code: 1006, reason, kind: "refused" });
      return;
    }
    const conn: Connection = new Connection(
      ws,
      { timing: this.o.timing, connectTimeoutMs: this.o.connectTimeoutMs, heartbeat: this.o.heartbeat },
      {
        frame: (frame) => this.#onFrame(conn, frame as F, token),
        end: (info, welcomed) => void this.#onEnd(conn, info, welcomed, token),
      },
    );
    this.#conn = conn;
  }

  #onFrame(conn: Connection, frame: F, token: string): void {
    if (frame.type === "welcome" || frame.type === "inbox_welcome") {
      this.#attempt = 0;
      this.#refreshedAfterRefusal = false;
      this.#tokenReason = "reconnect";
      this.#setState({ status: "open", welcome: frame as unknown as W });
      this.#renewal.arm(token);
    }
    this.session.frame(frame, (f) => conn.send(JSON.stringify(f)));
  }

  async #onEnd(conn: Connection, info: CloseInfo, welcomed: boolean, token: string): Promise<void> {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#renewal.cancel();
    if (this.#state.status === "closed") return;
    this.session.detach();
    const generation = this.#generation;
    if (!welcomed && info.kind === "network" && this.o.probeRefusals && this.o.fetch) {
      const probe = await probeRefusal(this.o.fetch, this.endpoint.probeUrl, token, this.o.connectTimeoutMs);
      if (generation !== this.#generation) return;
      if (probe.refused) {
        // One fresh token per refusal streak: a provider that keeps minting bad tokens must not loop.
        if (probe.status === 401 && !this.o.tokenIsStatic && !this.#refreshedAfterRefusal) {
          this.#refreshedAfterRefusal = true;
          this.#tokenReason = "refused";
          this.#scheduleRetry(info, 0);
        } else {
          this.#finish(refusalInfo(info, probe));
        }
        return;
      }
    }
    switch (closeAction(info.kind)) {
      case "stop":
        this.#finish(info);
        break;
      case "refresh-token":
        if (this.o.tokenIsStatic) {
          this.#finish(info);
        } else {
          this.#tokenReason = "expired";
          this.#scheduleRetry(info, 0);
        }
        break;
      case "retry-slow":
        this.#scheduleRetry(info, this.o.reconnect.rateLimitedDelayMs + this.#backoff());
        break;
      case "retry":
        this.#scheduleRetry(info, this.#backoff());
        break;
    }
  }

  #backoff(): number {
    return backoffDelay(this.#attempt, this.o.reconnect, this.o.timing.random);
  }

  #scheduleRetry(info: CloseInfo, delayMs: number): void {
    if (this.#attempt >= this.o.reconnect.maxAttempts) {
      this.#finish({ ...info, kind: "gave-up", reason: `gave up after ${this.#attempt} attempts` });
      return;
    }
    this.#attempt += 1;
    const retryAt = this.o.timing.now() + delayMs;
    this.#setState({ status: "reconnecting", attempt: this.#attempt, delayMs, retryAt, reason: info });
    this.#retry.arm(() => void this.#open(), delayMs);
  }

  #finish(info: CloseInfo): void {
    this.#generation += 1;
    this.#retry.cancel();
    this.#renewal.cancel();
    this.#setState({ status: "closed", reason: info });
    this.session.fail(
      new RoomcastError("closed", `closed for good: ${info.kind} (${info.reason})`, undefined, info),
    );
  }

  #setState(state: ConnectionState<W>): void {
    this.#state = state;
    this.onState(state);
  }
}

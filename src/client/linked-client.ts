/**
 * What the room client and the inbox client have in common: options, events,
 * a session fed by a {@link ReconnectingLink}, and the public methods that only
 * talk to those (state, outbox, subscribe, connect, reconnect, close, queueing
 * a send). Each client adds its own endpoint, session and API.
 */
import type { AckFrame, AnyServerFrame, AuthOkFrame, UserRef } from "../protocol/frames";
import type { CloseInfo } from "./close-policy";
import { Emitter, type Unsubscribe } from "./emitter";
import { RoomcastError } from "./errors";
import { type ConnectionState, nextWelcome } from "./events";
import { newCid } from "./ids";
import type { MessageStream } from "./message-stream";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options";
import type { OutboxEntry } from "./outbox";
import { type LinkEndpoint, type LinkSession, ReconnectingLink } from "./reconnecting-link";
import { socketBase } from "./transport";

/** A client's session: what the link feeds, with the user and the message stream. */
export interface ClientSession<F> extends LinkSession<F> {
  readonly user: UserRef | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the message and page types are the subclass's business
  readonly stream: MessageStream<any, any>;
}

/** The events every client emits. */
export interface BaseEvents<W> {
  state: ConnectionState<W>;
  welcome: W;
}

/** The shared half of a client. `E`: its events, `W`: its welcome, `F`: its frames, `S`: its session. */
export abstract class LinkedClient<
  E extends BaseEvents<W>,
  W extends AnyServerFrame,
  F extends AnyServerFrame,
  S extends ClientSession<F>,
> {
  protected readonly options: ResolvedOptions;
  protected readonly events = new Emitter<E>();
  protected readonly session: S;
  readonly #link: ReconnectingLink<W, F>;

  constructor(
    options: Omit<ClientOptions, "room">,
    endpoint: (base: URL) => LinkEndpoint,
    session: (
      options: ResolvedOptions,
      events: Emitter<E>,
      restart: () => void,
      /** Ends the client for good now (a kick or ban the session saw). */
      end: (info: CloseInfo) => void,
    ) => S,
  ) {
    this.options = resolveOptions(options);
    this.session = session(
      this.options,
      this.events,
      () => this.#link.restart("catch-up timed out"),
      (info) => this.#link.end(info),
    );
    this.#link = new ReconnectingLink(
      this.options,
      endpoint(socketBase(this.options.url)),
      this.session,
      (state) => this.events.emit("state", state as E["state"]),
      () => this.refreshToken(),
    );
  }

  /** The current connection state. */
  get state(): ConnectionState<W> {
    return this.#link.state;
  }
  /** Who the server says we are (after the first welcome). */
  get user(): UserRef | undefined {
    return this.session.user;
  }
  /** Messages waiting for an ack, oldest first. */
  get outbox(): OutboxEntry[] {
    return this.session.stream.outbox.snapshot();
  }
  /** The last seq delivered as a `message` (what a resume starts after). */
  get lastSeq(): number {
    return this.session.stream.sequencer.lastSeq;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }
  /** Subscribes to the next `event` only. */
  once<K extends keyof E>(event: K, listener: (payload: E[K]) => void): Unsubscribe {
    return this.events.once(event, listener);
  }

  /**
   * Starts connecting (again, after a `closed` state). Resolves at the next
   * welcome; rejects if the client closes for good first.
   */
  connect(): Promise<E["welcome"]> {
    const state = this.#link.state;
    const opened = state.status === "open" ? Promise.resolve(state.welcome) : nextWelcome<W, E>(this.events);
    this.#link.connect();
    return opened;
  }

  /**
   * Renews the token on the open socket: asks the token provider (reason
   * `refresh`) and sends `auth`. Resolves with `auth_ok`; rejects with
   * `unauthorized` (the old token stays in force), `closed` or `timeout`.
   * Called by itself before expiry (option `tokenRefresh`).
   */
  async refreshToken(): Promise<AuthOkFrame> {
    if (this.#link.state.status !== "open") throw new RoomcastError("closed", "not connected");
    const token = await this.options.token("refresh");
    const reply = await this.session.stream.request<AuthOkFrame>({ type: "auth", token, cid: newCid() });
    this.#link.renewed(token);
    return reply;
  }

  /** Skips the rest of a reconnect delay (say, when the browser reports it is back online). */
  reconnectNow(): void {
    this.#link.reconnectNow();
  }

  /** Closes for good: no reconnect; the outbox and pending requests are rejected. */
  close(): void {
    this.#link.close();
  }

  /** Rejects with `closed` once the client closed for good. */
  protected whileOpen<T>(run: () => Promise<T>): Promise<T> {
    if (this.#link.state.status === "closed") {
      return Promise.reject(new RoomcastError("closed", "the client is closed"));
    }
    return run();
  }

  /** Checks a send and queues it in the outbox (to `to`, for a private message). */
  protected queue(content: string, options: { cid?: string }, to?: string): Promise<AckFrame> {
    if (typeof content !== "string" || content.length === 0) {
      return Promise.reject(new RoomcastError("invalid_argument", "content must be a non-empty string"));
    }
    const cid = options.cid ?? newCid();
    if (this.outbox.some((e) => e.cid === cid)) {
      return Promise.reject(new RoomcastError("invalid_argument", `cid ${cid} is already in the outbox`));
    }
    return this.whileOpen(() => this.session.stream.send(cid, content, this.options.timing.now(), to));
  }
}

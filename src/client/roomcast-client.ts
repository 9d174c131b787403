/**
 * RoomcastClient: one object per room. It keeps a socket to the room open
 * across drops (backoff with jitter, heartbeats, token refresh), resumes with
 * `since` so the application sees every message exactly once and in order, and
 * holds unacknowledged messages in an outbox that is retried with the same
 * `cid` after a reconnect. For several rooms, create several clients.
 *
 * The connection lifecycle and reconnect policy are the {@link ReconnectingLink}
 * (shared with the inbox client); the room's state (messages, presence,
 * outbox, history) lives in {@link RoomSession}; this file is the room's API.
 */
import type { AckFrame, HistoryFrame, ServerFrame, UserRef, WelcomeFrame } from "../protocol/frames";
import { isValidRoomName } from "../protocol/room-name";
import type { HistoryRequest } from "../protocol/schemas";
import { Emitter, type Unsubscribe } from "./emitter";
import { RoomcastError } from "./errors";
import { type ClientEvents, type ConnectionState, nextWelcome } from "./events";
import { newCid } from "./ids";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options";
import type { OutboxEntry } from "./outbox";
import { ReconnectingLink } from "./reconnecting-link";
import { roomProbeUrl } from "./refusal-probe";
import { RoomSession } from "./room-session";
import { roomSocketUrl, socketBase } from "./transport";

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
  readonly #events = new Emitter<ClientEvents>();
  readonly #session: RoomSession;
  readonly #link: ReconnectingLink<WelcomeFrame, ServerFrame>;

  constructor(options: ClientOptions) {
    if (!isValidRoomName(options.room)) {
      throw new RoomcastError("invalid_argument", "room names are 1-100 of A-Z a-z 0-9 _ -");
    }
    const room = options.room;
    this.room = room;
    this.#o = resolveOptions(options);
    const base = socketBase(this.#o.url);
    this.#session = new RoomSession(this.#o, this.#events, () => this.#link.restart("catch-up timed out"));
    this.#link = new ReconnectingLink(
      this.#o,
      {
        socketUrl: (since, token) => roomSocketUrl(base, room, since, token),
        probeUrl: roomProbeUrl(base, room),
      },
      this.#session,
      (state) => this.#events.emit("state", state),
    );
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.#link.state;
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
    return this.#session.stream.outbox.snapshot();
  }
  /** The last seq delivered as a `message` (what a resume starts after). */
  get lastSeq(): number {
    return this.#session.stream.sequencer.lastSeq;
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
    const state = this.#link.state;
    const opened = state.status === "open" ? Promise.resolve(state.welcome) : nextWelcome(this.#events);
    this.#link.connect();
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
    if (this.#link.state.status === "closed") {
      return Promise.reject(new RoomcastError("closed", "the client is closed"));
    }
    return this.#session.send(cid, content, this.#o.timing.now());
  }

  /** Loads the page before the oldest message seen (returned, not emitted as `message`). */
  async loadOlder(limit = 50): Promise<HistoryFrame> {
    const sequencer = this.#session.stream.sequencer;
    const page = await this.history({ before: sequencer.oldestSeq ?? sequencer.lastSeq + 1, limit });
    sequencer.older(page.messages);
    return page;
  }

  /** Any `history` request; queued while disconnected. */
  history(query: HistoryRequest): Promise<HistoryFrame> {
    if (this.#link.state.status === "closed") {
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
    this.#link.reconnectNow();
  }

  /** Leaves the room (`leave_room`; the room closes the socket with 1000, and no reconnect follows). */
  leave(): void {
    if (!this.#session.stream.write({ type: "leave_room" })) this.close();
  }

  /** Closes for good: no reconnect; the outbox and pending requests are rejected. */
  close(): void {
    this.#link.close();
  }
}

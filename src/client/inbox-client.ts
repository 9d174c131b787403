/**
 * InboxClient: the signed-in user's private messages. It keeps a socket to
 * the user's inbox open across drops with the room client's guarantees (the
 * same {@link ReconnectingLink}: backoff with jitter, heartbeats, token
 * refresh, the refusal probe), resumes with `since` so every message arrives
 * exactly once and in order, retries unacknowledged sends with the same `cid`,
 * and keeps the conversation list (unread counts, what the other side has read).
 */
import type {
  AckFrame,
  ConversationSummary,
  InboxHistoryFrame,
  InboxServerFrame,
  InboxWelcomeFrame,
  UserRef,
} from "../protocol/frames";
import type { HistoryRequest } from "../protocol/schemas";
import { Emitter, type Unsubscribe } from "./emitter";
import { RoomcastError } from "./errors";
import { type ConnectionState, nextWelcome } from "./events";
import { newCid } from "./ids";
import type { InboxEvents } from "./inbox-events";
import { InboxSession } from "./inbox-session";
import { type ClientOptions, type ResolvedOptions, resolveOptions } from "./options";
import type { OutboxEntry } from "./outbox";
import { ReconnectingLink } from "./reconnecting-link";
import { inboxProbeUrl } from "./refusal-probe";
import { inboxSocketUrl, socketBase } from "./transport";

/** The options of an inbox client: a room client's, without the room and typing. */
export type InboxClientOptions = Omit<ClientOptions, "room" | "typing">;

/**
 * A connection to the signed-in user's inbox.
 * @example
 * const inbox = new InboxClient({ url: "https://chat.example.com", token });
 * inbox.on("message", (m) => console.log(`${m.from.name} → ${m.to}: ${m.content}`));
 * inbox.on("conversations", (list) => renderBadges(list));
 * await inbox.connect();
 * await inbox.sendPrivate("bob", "lunch?"); // resolves with the ack
 */
export class InboxClient {
  readonly #o: ResolvedOptions;
  readonly #events = new Emitter<InboxEvents>();
  readonly #session: InboxSession;
  readonly #link: ReconnectingLink<InboxWelcomeFrame, InboxServerFrame>;

  constructor(options: InboxClientOptions) {
    this.#o = resolveOptions(options);
    const base = socketBase(this.#o.url);
    this.#session = new InboxSession(this.#o, this.#events, () => this.#link.restart("catch-up timed out"));
    this.#link = new ReconnectingLink(
      this.#o,
      { socketUrl: (since, token) => inboxSocketUrl(base, since, token), probeUrl: inboxProbeUrl(base) },
      this.#session,
      (state) => this.#events.emit("state", state),
    );
  }

  /** The current connection state. */
  get state(): ConnectionState<InboxWelcomeFrame> {
    return this.#link.state;
  }
  /** Who the inbox says we are (after the first welcome). */
  get user(): UserRef | undefined {
    return this.#session.user;
  }
  /** Conversations, most recent first, with unread counts and what the other side has read. */
  get conversations(): ConversationSummary[] {
    return this.#session.conversations.list();
  }
  /** Messages waiting for an ack, oldest first. */
  get outbox(): OutboxEntry[] {
    return this.#session.stream.outbox.snapshot();
  }
  /** The last inbox seq delivered as a `message` (what a resume starts after). */
  get lastSeq(): number {
    return this.#session.stream.sequencer.lastSeq;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof InboxEvents>(event: K, listener: (payload: InboxEvents[K]) => void): Unsubscribe {
    return this.#events.on(event, listener);
  }
  /** Subscribes to the next `event` only. */
  once<K extends keyof InboxEvents>(event: K, listener: (payload: InboxEvents[K]) => void): Unsubscribe {
    return this.#events.once(event, listener);
  }

  /** Starts connecting. Resolves at the next welcome; rejects if the client closes for good first. */
  connect(): Promise<InboxWelcomeFrame> {
    const state = this.#link.state;
    const opened = state.status === "open" ? Promise.resolve(state.welcome) : nextWelcome(this.#events);
    this.#link.connect();
    return opened;
  }

  /**
   * Sends a private message to user id `to`. It waits in the outbox while
   * disconnected and is retried with the same `cid` until acked; resolves with
   * the ack (`seq` in your inbox), rejects with a {@link RoomcastError}.
   */
  sendPrivate(to: string, content: string, options: { cid?: string } = {}): Promise<AckFrame> {
    if (typeof to !== "string" || to.length === 0) {
      return Promise.reject(new RoomcastError("invalid_argument", "to must be a user id"));
    }
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
    return this.#session.stream.send(cid, content, this.#o.timing.now(), to);
  }

  /**
   * Marks the conversation with `peer` read up to `upTo` (default: its latest
   * message). Sent now, or on the next connection; the other side gets a receipt.
   */
  markRead(peer: string, upTo?: number): void {
    const seq = upTo ?? this.#session.conversations.get(peer)?.lastSeq;
    if (seq !== undefined && seq > 0) this.#session.read(peer, seq);
  }

  /** A page of the inbox (`with`: one conversation); queued while disconnected. */
  history(query: HistoryRequest & { with?: string }): Promise<InboxHistoryFrame> {
    if (this.#link.state.status === "closed") {
      return Promise.reject(new RoomcastError("closed", "the client is closed"));
    }
    return this.#session.stream.history(query);
  }

  /** Skips the rest of a reconnect delay. */
  reconnectNow(): void {
    this.#link.reconnectNow();
  }

  /** Closes for good: no reconnect; the outbox and pending requests are rejected. */
  close(): void {
    this.#link.close();
  }
}

/**
 * InboxClient: the signed-in user's private messages. It keeps a socket to
 * the user's inbox open across drops with the room client's guarantees (the
 * same {@link LinkedClient}: backoff with jitter, heartbeats, token refresh,
 * the refusal probe), resumes with `since` so every message arrives exactly
 * once and in order, retries unacknowledged sends with the same `cid`, and
 * keeps the conversation list (unread counts, what the other side has read).
 */
import type {
  AckFrame,
  ConversationSummary,
  InboxHistoryFrame,
  InboxServerFrame,
  InboxWelcomeFrame,
} from "../protocol/frames";
import type { HistoryRequest } from "../protocol/requests";
import { RoomcastError } from "./errors";
import type { InboxEvents } from "./inbox-events";
import { InboxSession } from "./inbox-session";
import { LinkedClient } from "./linked-client";
import type { ClientOptions } from "./options";
import { inboxProbeUrl } from "./refusal-probe";
import { inboxSocketUrl } from "./transport";

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
export class InboxClient extends LinkedClient<
  InboxEvents,
  InboxWelcomeFrame,
  InboxServerFrame,
  InboxSession
> {
  constructor(options: InboxClientOptions) {
    super(
      options,
      (base) => ({
        socketUrl: (since, token) => inboxSocketUrl(base, since, token),
        probeUrl: inboxProbeUrl(base),
      }),
      (resolved, events, restart) => new InboxSession(resolved, events, restart),
    );
  }

  /** Conversations, most recent first, with unread counts and what the other side has read. */
  get conversations(): ConversationSummary[] {
    return this.session.conversations.list();
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
    return this.queue(content, options, to);
  }

  /**
   * Marks the conversation with `peer` read up to `upTo` (default: its latest
   * message). Sent now, or on the next connection; the other side gets a receipt.
   */
  markRead(peer: string, upTo?: number): void {
    const seq = upTo ?? this.session.conversations.get(peer)?.lastSeq;
    if (seq !== undefined && seq > 0) this.session.read(peer, seq);
  }

  /** A page of the inbox (`with`: one conversation); queued while disconnected. */
  history(query: HistoryRequest & { with?: string }): Promise<InboxHistoryFrame> {
    return this.whileOpen(() => this.session.stream.history(query));
  }
}

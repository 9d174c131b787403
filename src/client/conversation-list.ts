/**
 * The inbox client's list of conversations: the welcome's summaries, kept
 * current by live messages, `read_marked` and `read_receipt` frames, so an
 * application can show unread badges and "Seen" without asking the server.
 */
import type {
  ConversationSummary,
  PrivateMessageFrame,
  ReadMarkedFrame,
  ReadReceiptFrame,
} from "../protocol/frames";

/** Conversations by the other user's id. */
export class ConversationList {
  #byPeer = new Map<string, ConversationSummary>();

  /** Most recent first. */
  list(): ConversationSummary[] {
    return [...this.#byPeer.values()].sort((a, b) => b.lastSeq - a.lastSeq);
  }

  /** The conversation with `peer`, if any. */
  get(peer: string): ConversationSummary | undefined {
    return this.#byPeer.get(peer);
  }

  /** Replaces everything with a welcome's summaries. */
  reset(summaries: readonly ConversationSummary[]): void {
    this.#byPeer = new Map(summaries.map((c) => [c.with.id, { ...c }]));
  }

  /** A message delivered for the first time (`me`: the inbox owner's id). */
  message(message: PrivateMessageFrame, me: string): void {
    const mine = message.from.id === me;
    const peer = mine
      ? { id: message.to, name: this.#byPeer.get(message.to)?.with.name ?? message.to }
      : message.from;
    const known = this.#byPeer.get(peer.id);
    this.#byPeer.set(peer.id, {
      with: peer,
      lastSeq: Math.max(known?.lastSeq ?? 0, message.seq),
      unread: (known?.unread ?? 0) + (mine ? 0 : 1),
      readUpTo: known?.readUpTo ?? 0,
    });
  }

  /** Any tab of ours marked the conversation read. */
  marked(frame: ReadMarkedFrame): void {
    const known = this.#byPeer.get(frame.with);
    if (known) known.unread = frame.unread;
  }

  /** They read our messages up to `upTo`. */
  receipt(frame: ReadReceiptFrame): void {
    const known = this.#byPeer.get(frame.by.id);
    if (known) known.readUpTo = Math.max(known.readUpTo, frame.upTo);
  }

  /** Forgets everything (the client closed for good). */
  clear(): void {
    this.#byPeer.clear();
  }
}

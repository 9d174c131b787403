/**
 * What an inbox client knows, fed by frames: the ordered stream of private
 * messages and the outbox ({@link MessageStream}, shared with rooms), the
 * conversation list, and reads waiting for a socket. The {@link InboxClient}
 * owns the sockets and the reconnect policy; this owns the inbox's state.
 */
import type { InboxHistoryFrame, InboxServerFrame, PrivateMessageFrame } from "../protocol/frames";
import { ConversationList } from "./conversation-list";
import type { Emitter } from "./emitter";
import type { RoomcastError } from "./errors";
import type { InboxEvents } from "./inbox-events";
import type { FrameWriter } from "./message-stream";
import type { ResolvedOptions } from "./options";
import { outboxStoreFor, StreamSession } from "./stream-session";

/** The inbox's state across connections. */
export class InboxSession extends StreamSession<InboxEvents, PrivateMessageFrame, InboxHistoryFrame> {
  readonly conversations = new ConversationList();
  /** `read` frames to send once connected, by conversation (the latest `upTo` wins). */
  readonly #reads = new Map<string, number>();
  /** The welcome's latest seq: its conversation list already counts every message up to it. */
  #counted = 0;

  constructor(options: ResolvedOptions, events: Emitter<InboxEvents>, restart: () => void) {
    super(
      options,
      events,
      restart,
      (entry) => ({ type: "private_message", to: entry.to, content: entry.content, cid: entry.cid }),
      undefined,
      outboxStoreFor(options, "inbox"),
    );
    // The first listener: the list is current when the application hears of the message.
    events.on("message", (m) => this.#track(m));
  }

  /** Marks the conversation with `peer` read up to `upTo` (now, or on the next connection). */
  read(peer: string, upTo: number): void {
    this.#reads.set(peer, Math.max(this.#reads.get(peer) ?? 0, upTo));
    this.#flushReads();
  }

  /** The socket dropped. */
  detach(): void {
    this.stream.detach();
  }

  /** Closed for good. */
  fail(err: RoomcastError): void {
    this.stream.fail(err);
    this.#reads.clear();
    this.conversations.clear();
    this.events.emit("conversations", []);
  }

  /** Handles one frame from the inbox. */
  frame(frame: InboxServerFrame, write: FrameWriter): void {
    this.events.emit("frame", frame);
    switch (frame.type) {
      case "inbox_welcome":
        this.stream.welcome(frame, write, () => {
          this.currentUser = frame.user;
          this.#counted = frame.seq;
          this.conversations.reset(frame.conversations);
          this.events.emit("welcome", frame);
          this.#emitConversations();
        });
        this.#flushReads();
        break;
      case "private_message":
        this.stream.live(frame);
        break;
      case "history":
        this.stream.page(frame);
        break;
      case "ack":
      case "error":
      case "pong":
      case "auth_ok":
        this.common(frame);
        break;
      case "read_marked":
        this.conversations.marked(frame);
        this.events.emit("read_marked", frame);
        this.#emitConversations();
        break;
      case "read_receipt":
        this.conversations.receipt(frame);
        this.events.emit("read_receipt", frame);
        this.#emitConversations();
        break;
    }
  }

  /** A message newer than the welcome updates the conversation list (older ones are counted in it). */
  #track(message: PrivateMessageFrame): void {
    const me = this.currentUser?.id;
    if (message.seq <= this.#counted || me === undefined) return;
    this.conversations.message(message, me);
    this.#emitConversations();
  }

  #flushReads(): void {
    for (const [peer, upTo] of this.#reads) {
      if (this.stream.write({ type: "read", with: peer, upTo })) this.#reads.delete(peer);
    }
  }

  #emitConversations(): void {
    this.events.emit("conversations", this.conversations.list());
  }
}

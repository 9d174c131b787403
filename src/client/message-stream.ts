/**
 * The part of a client's state that rooms and inboxes share, fed by frames:
 * the ordered message stream (welcome history, live messages, catch-up pages
 * after a resume), the outbox retried with the same `cid`, and history
 * requests. It outlives sockets — a reconnect hands it a new writer — which is
 * what lets the outbox and the `since` cursor survive drops. The room and
 * inbox sessions add their own state (presence and typing; conversations).
 */
import type { AckFrame, ErrorFrame } from "../protocol/frames";
import type { HistoryRequest } from "../protocol/requests";
import { RoomcastError } from "./errors";
import { HistoryRequests } from "./history-requests";
import {
  MessageSequencer,
  type ResumeInfo,
  type Sequenced,
  type SequencedPage,
  type SequencedWelcome,
} from "./message-sequencer";
import type { ResolvedOptions } from "./options";
import type { Outbox, OutboxEntry } from "./outbox";
import { OutboxSender, type UnsentMessage } from "./outbox-sender";
import type { OutboxStore } from "./outbox-store";
import { Replies } from "./replies";

/** Writes a frame on the open socket; false when there is none. */
export type FrameWriter = (frame: object) => boolean;

/** The events a stream emits (both clients' event maps have them). */
export interface StreamEvents<M, P> {
  message: M;
  ack: AckFrame;
  error: ErrorFrame;
  history: P;
  resume: ResumeInfo;
  outbox: OutboxEntry[];
  /** A queued message was refused for good (it is no longer in the outbox). */
  unsent: UnsentMessage;
}

/** How a stream emits its events. */
export type StreamEmit<M, P> = <K extends keyof StreamEvents<M, P>>(
  event: K,
  payload: StreamEvents<M, P>[K],
) => void;

/**
 * Ordered messages, outbox and history requests across connections. `M` is
 * the message frame, `P` the history page frame.
 * @example
 * const stream = new MessageStream(options, emit, restart, (e) => ({ type: "room_message", content: e.content, cid: e.cid }));
 */
export class MessageStream<M extends Sequenced, P extends SequencedPage<M> & { ref?: string | undefined }> {
  readonly #sender: OutboxSender;
  /** Requests answered by a frame echoing their `cid` (moderation, token refresh). */
  readonly replies: Replies<object>;
  readonly sequencer: MessageSequencer<M>;
  readonly #history: HistoryRequests<P>;
  #write: FrameWriter | undefined;

  constructor(
    options: ResolvedOptions,
    private readonly emit: StreamEmit<M, P>,
    /** A catch-up page was lost: the connection must be restarted to resume cleanly. */
    private readonly restart: () => void,
    /** The frame that sends an outbox entry. */
    toFrame: (entry: OutboxEntry) => object,
    /** Emits one delivered entry (default: as `message`; a room emits files as `file`). */
    private readonly deliverOne: (message: M) => void = (message) => emit("message", message),
    /** Where the outbox is kept across reloads, if anywhere. */
    store?: OutboxStore,
  ) {
    this.#sender = new OutboxSender(
      options.timing,
      options.pacing,
      toFrame,
      { outbox: (entries) => emit("outbox", entries), unsent: (message) => emit("unsent", message) },
      store,
    );
    this.sequencer = new MessageSequencer<M>(options.since);
    this.replies = new Replies(options.timing, options.requestTimeoutMs);
    this.#history = new HistoryRequests<P>(options.timing, options.requestTimeoutMs, (origin) => {
      if (origin === "catch-up") this.restart();
      else this.#pump();
    });
  }

  /** Messages waiting for their ack (restored ones included). */
  get outbox(): Outbox {
    return this.#sender.outbox;
  }

  /** The `since` of the next upgrade: the last delivered seq, once anything was seen. */
  get since(): number | undefined {
    return this.sequencer.since;
  }

  /** Writes a frame if a socket is attached. */
  write(frame: object): boolean {
    return this.#write?.(frame) ?? false;
  }

  /**
   * Sends a request that the server answers with a frame echoing its `cid`;
   * rejects with the server's error, `timeout`, or `closed` when not connected
   * or the socket drops first (whether it was acted on is then unknown).
   */
  request<T extends object>(frame: { type: string; cid: string } & Record<string, unknown>): Promise<T> {
    if (!this.#write) return Promise.reject(new RoomcastError("closed", "not connected"));
    const answer = this.replies.wait(frame.cid) as Promise<T>;
    this.write(frame);
    return answer;
  }

  /** The socket dropped: unacked messages go back to the queue. */
  detach(): void {
    this.#write = undefined;
    this.replies.failAll(new RoomcastError("closed", "the connection dropped before the server answered"));
    this.#history.reset();
    this.#sender.detach();
  }

  /** Closed for good: everything pending is rejected with `err`. */
  fail(err: RoomcastError): void {
    this.#write = undefined;
    this.replies.failAll(err);
    this.#history.failAll(err);
    this.#sender.fail(err);
  }

  /** Queues a message and writes it if connected; settles with its ack or error. */
  send(cid: string, content: string, now: number, to?: string): Promise<AckFrame> {
    return this.#sender.add(cid, content, now, to);
  }

  /** Queues an application history request. */
  history(query: HistoryRequest & { with?: string }): Promise<P> {
    const page = this.#history.add(query, "app");
    this.#pump();
    return page;
  }

  /**
   * A welcome arrived on the socket `write` writes to: delivers its history
   * (`beforeDeliver` runs first, so the session's own state is ready), then
   * starts any catch-up and sends the outbox.
   */
  welcome(frame: SequencedWelcome<M>, write: FrameWriter, beforeDeliver: () => void): void {
    this.#write = write;
    const step = this.sequencer.welcome(frame);
    beforeDeliver();
    if (step.resume) this.emit("resume", step.resume);
    this.#deliver(step.deliver);
    if (step.catchUp) this.#catchUp();
    this.#sender.attach(write);
    this.#pump();
  }

  /** A live message; returns the ones delivered now (none while catching up or for a duplicate). */
  live(frame: M): M[] {
    const delivered = this.sequencer.live(frame);
    this.#deliver(delivered);
    return delivered;
  }

  /** An ack: settles the outbox entry. */
  ack(frame: AckFrame): void {
    this.#sender.ack(frame);
    this.emit("ack", frame);
  }

  /**
   * An error: fails the history request or the request its `ref` names, or
   * holds (`rate_limited`) or fails the outbox entry.
   */
  error(frame: ErrorFrame): void {
    this.emit("error", frame);
    // A refused catch-up cannot be skipped: restart, and the next welcome resumes.
    if (this.#history.refuse(frame) === "catch-up") this.restart();
    this.replies.reject(frame.ref, RoomcastError.fromFrame(frame));
    this.#sender.error(frame);
  }

  /** A history page: answers the request in flight; a catch-up page delivers its messages. */
  page(frame: P): M[] {
    const origin = this.#history.answer(frame);
    this.emit("history", frame);
    let delivered: M[] = [];
    if (origin === "catch-up") {
      const step = this.sequencer.page(frame);
      delivered = step.deliver;
      this.#deliver(delivered);
      if (step.catchUp) this.#catchUp();
    }
    this.#pump();
    return delivered;
  }

  #deliver(messages: M[]): void {
    for (const message of messages) this.deliverOne(message);
  }

  #catchUp(): void {
    // Rejected only when the socket drops; the next welcome starts a new catch-up.
    this.#history.add({ after: this.sequencer.lastSeq, limit: 100 }, "catch-up").catch(() => {});
    this.#pump();
  }

  #pump(): void {
    if (this.#write) this.#history.pump((query) => this.write({ type: "history", ...query }));
  }
}

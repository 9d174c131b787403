/**
 * What a client knows about its room, fed by frames: the ordered message
 * stream, presence, typing, the outbox and history requests. It outlives
 * sockets — a reconnect hands it a new writer — which is what lets the outbox
 * and the `since` cursor survive drops. {@link RoomcastClient} owns the
 * sockets and the reconnect policy; this owns the room's state.
 */
import type {
  HistoryFrame,
  PresenceDiffFrame,
  RoomMessageFrame,
  ServerFrame,
  UserRef,
} from "../protocol/frames";
import type { ClientFrame, HistoryRequest } from "../protocol/schemas";
import type { Emitter } from "./emitter";
import { RoomcastError } from "./errors";
import type { ClientEvents } from "./events";
import { HistoryRequests } from "./history-requests";
import { MessageSequencer } from "./message-sequencer";
import type { ResolvedOptions } from "./options";
import { Outbox } from "./outbox";
import { Presence } from "./presence";
import { IncomingTyping, OutgoingTyping } from "./typing";

/** Writes a frame on the open socket; false when there is none. */
export type FrameWriter = (frame: ClientFrame) => boolean;

/**
 * The room's state across connections.
 * @example
 * const session = new RoomSession(options, events, () => conn.abandon(...));
 * session.attach((frame) => conn.send(JSON.stringify(frame))); // after the welcome
 * ws.onmessage = (e) => session.frame(JSON.parse(e.data));
 */
export class RoomSession {
  readonly outbox = new Outbox();
  readonly presence = new Presence();
  readonly sequencer: MessageSequencer;
  readonly typingIn: IncomingTyping;
  readonly typingOut: OutgoingTyping;
  readonly #history: HistoryRequests;
  #write: FrameWriter | undefined;
  #user: UserRef | undefined;

  constructor(
    options: ResolvedOptions,
    private readonly events: Emitter<ClientEvents>,
    /** A catch-up page was lost: the connection must be restarted to resume cleanly. */
    restart: () => void,
  ) {
    this.sequencer = new MessageSequencer(options.since);
    this.#history = new HistoryRequests(options.timing, options.requestTimeoutMs, (origin) => {
      if (origin === "catch-up") restart();
      else this.#pump();
    });
    this.typingOut = new OutgoingTyping(options.timing, options.typing, (isTyping) =>
      this.write({ type: "typing_indicator", isTyping }),
    );
    this.typingIn = new IncomingTyping(options.timing, options.typing, (users) =>
      events.emit("typing", users),
    );
  }

  /** Who the room says we are (after the first welcome). */
  get user(): UserRef | undefined {
    return this.#user;
  }

  /** Writes a frame if a socket is attached. */
  write(frame: ClientFrame): boolean {
    return this.#write?.(frame) ?? false;
  }

  /** The socket dropped: unacked messages go back to the queue, transient state is cleared. */
  detach(): void {
    this.#write = undefined;
    this.outbox.requeue();
    this.#history.reset();
    this.typingOut.reset();
    this.typingIn.clear();
    this.events.emit("outbox", this.outbox.snapshot());
  }

  /** Closed for good: everything pending is rejected with `err`. */
  fail(err: RoomcastError): void {
    this.#write = undefined;
    this.typingOut.reset();
    this.typingIn.clear();
    this.outbox.failAll(err);
    this.#history.failAll(err);
    this.presence.clear();
    this.events.emit("outbox", []);
    this.events.emit("presence", []);
  }

  /** Queues a message and writes it if connected; settles with its ack or error. */
  send(cid: string, content: string, now: number): ReturnType<Outbox["add"]> {
    const acked = this.outbox.add(cid, content, now);
    if (!this.#flush()) this.events.emit("outbox", this.outbox.snapshot());
    return acked;
  }

  /** Queues an application history request. */
  history(query: HistoryRequest): Promise<HistoryFrame> {
    const page = this.#history.add(query, "app");
    this.#pump();
    return page;
  }

  /** Handles one frame from the room. `write` is the writer of the socket it came on. */
  frame(frame: ServerFrame, write: FrameWriter): void {
    this.events.emit("frame", frame);
    switch (frame.type) {
      case "welcome": {
        this.#write = write;
        this.#user = frame.user;
        this.presence.reset(frame.presence);
        const step = this.sequencer.welcome(frame);
        this.events.emit("welcome", frame);
        this.events.emit("presence", this.presence.list());
        if (step.resume) this.events.emit("resume", step.resume);
        this.#deliver(step.deliver);
        if (step.catchUp) this.#catchUp();
        this.#flush();
        this.#pump();
        break;
      }
      case "room_message":
        this.#deliver(this.sequencer.live(frame));
        break;
      case "ack":
        if (this.outbox.ack(frame)) this.events.emit("outbox", this.outbox.snapshot());
        this.events.emit("ack", frame);
        break;
      case "error":
        this.events.emit("error", frame);
        if (this.outbox.fail(frame.ref, RoomcastError.fromFrame(frame))) {
          this.events.emit("outbox", this.outbox.snapshot());
        }
        break;
      case "history": {
        const origin = this.#history.answer(frame);
        this.events.emit("history", frame);
        if (origin === "catch-up") {
          const step = this.sequencer.page(frame);
          this.#deliver(step.deliver);
          if (step.catchUp) this.#catchUp();
        }
        this.#pump();
        break;
      }
      case "user_joined":
        if (this.presence.join(frame.user)) this.events.emit("presence", this.presence.list());
        this.events.emit("user_joined", frame);
        break;
      case "user_left":
        this.typingIn.update(frame.user, false);
        if (this.presence.leave(frame.user)) this.events.emit("presence", this.presence.list());
        this.events.emit("user_left", frame);
        break;
      case "presence_diff":
        this.#applyPresenceDiff(frame);
        break;
      case "typing_indicator":
        if (frame.user.id !== this.#user?.id) this.typingIn.update(frame.user, frame.isTyping);
        this.events.emit("typing_indicator", frame);
        break;
      case "pong":
        this.events.emit("pong", frame);
        break;
      case "room_joined":
        this.events.emit("room_joined", frame);
        break;
    }
  }

  /**
   * A batched presence change (large rooms): applied as set operations and
   * reported as the `user_joined` / `user_left` events a small room would give.
   */
  #applyPresenceDiff(frame: PresenceDiffFrame): void {
    let changed = false;
    for (const user of frame.joined) {
      if (!this.presence.join(user)) continue;
      changed = true;
      this.events.emit("user_joined", {
        type: "user_joined",
        room: frame.room,
        user,
        timestamp: frame.timestamp,
      });
    }
    for (const user of frame.left) {
      this.typingIn.update(user, false);
      if (!this.presence.leave(user)) continue;
      changed = true;
      this.events.emit("user_left", {
        type: "user_left",
        room: frame.room,
        user,
        timestamp: frame.timestamp,
      });
    }
    if (changed) this.events.emit("presence", this.presence.list());
  }

  #deliver(messages: RoomMessageFrame[]): void {
    for (const message of messages) this.events.emit("message", message);
  }

  #catchUp(): void {
    // Rejected only when the socket drops; the next welcome starts a new catch-up.
    this.#history.add({ after: this.sequencer.lastSeq, limit: 100 }, "catch-up").catch(() => {});
    this.#pump();
  }

  /** Writes every queued message; true when something was written (and `outbox` emitted). */
  #flush(): boolean {
    if (!this.#write) return false;
    const drained = this.outbox.drain();
    for (const entry of drained) {
      this.write({ type: "room_message", content: entry.content, cid: entry.cid });
    }
    if (drained.length > 0) this.events.emit("outbox", this.outbox.snapshot());
    return drained.length > 0;
  }

  #pump(): void {
    if (this.#write) this.#history.pump((query) => this.write({ type: "history", ...query }));
  }
}

/**
 * Sends the outbox at the pace the room allows. At most `maxInFlight`
 * messages are on the wire without an answer (1 by default), fewer than the
 * room's `RATE_LIMIT_STRIKES`, so a burst can never collect enough refusals to
 * be closed with 4008; with 1, a refused message is also sent again before any
 * later one, so the room stores them in the order they were sent. A `rate_limited` refusal does not fail the message: it
 * waits in the outbox (status `waiting`) and is sent again, with the same
 * `cid`, after the `retryAfterMs` the room named. Only refusals that waiting
 * cannot cure (too long, forbidden, a wait over `maxWaitMs`) reject the send.
 */
import type { AckFrame, ErrorFrame } from "../protocol/frames";
import { RoomcastError } from "./errors";
import { Outbox, type OutboxEntry } from "./outbox";
import type { OutboxStore } from "./outbox-store";
import { Timer, type Timing } from "./timing";

/** How sends are paced. */
export interface PacingOptions {
  /**
   * Messages written without an answer yet. Default 1: a message per round
   * trip is far above any chat's pace, and keeps the order across a
   * `rate_limited` wait (with more, a later message can take a token that
   * refilled while an earlier one waits). Keep it below RATE_LIMIT_STRIKES (5).
   */
  maxInFlight: number;
  /**
   * A `rate_limited` refusal asking to wait longer than this rejects the send
   * instead. Default 10000 ms: the message budget's waits (600 ms at 100/minute)
   * are kept; a long slow-mode interval is the application's to show.
   */
  maxWaitMs: number;
}

/** The defaults of {@link PacingOptions}. */
export const DEFAULT_PACING: PacingOptions = { maxInFlight: 1, maxWaitMs: 10_000 };

/** A message the room refused for good (or that could not be sent): what it was and why. */
export interface UnsentMessage {
  entry: OutboxEntry;
  error: RoomcastError;
}

/** What the sender tells its owner. */
export interface SenderEvents {
  /** The outbox changed. */
  outbox(entries: OutboxEntry[]): void;
  /** An entry was refused for good. */
  unsent(message: UnsentMessage): void;
}

/**
 * The outbox and the pacing of its writes.
 * @example
 * const sender = new OutboxSender(timing, DEFAULT_PACING, toFrame, events);
 * sender.attach((frame) => socket.send(frame)); await sender.add("c1", "hi", Date.now());
 */
export class OutboxSender {
  readonly outbox = new Outbox();
  #write: ((frame: object) => boolean) | undefined;
  #resumeAt = 0;
  readonly #pause: Timer;

  constructor(
    private readonly timing: Timing,
    private readonly pacing: PacingOptions,
    private readonly toFrame: (entry: OutboxEntry) => object,
    private readonly events: SenderEvents,
    private readonly store?: OutboxStore,
  ) {
    this.#pause = new Timer(timing);
    for (const entry of store?.load() ?? []) this.outbox.restore(entry);
  }

  /** A socket is open (after its welcome): send what waits. */
  attach(write: (frame: object) => boolean): void {
    this.#write = write;
    this.flush();
  }

  /** The socket dropped: whatever was on the wire goes back to the queue. */
  detach(): void {
    this.#write = undefined;
    this.#pause.cancel();
    this.#resumeAt = 0;
    this.outbox.requeue();
    this.events.outbox(this.outbox.snapshot());
  }

  /** Queues a message; settles with its ack, or rejects with the refusal. */
  add(cid: string, content: string, now: number, to?: string): Promise<AckFrame> {
    const acked = this.outbox.add(cid, content, now, to);
    this.store?.put({ cid, content, createdAt: now, ...(to !== undefined ? { to } : {}) });
    if (!this.flush()) this.events.outbox(this.outbox.snapshot());
    return acked;
  }

  /** An ack: settles its entry and makes room for the next. */
  ack(frame: AckFrame): void {
    if (!this.outbox.ack(frame)) return;
    if (frame.cid !== undefined) this.store?.remove(frame.cid);
    if (!this.flush()) this.events.outbox(this.outbox.snapshot());
  }

  /** An error: holds its entry for a `rate_limited` wait, or fails it. False when it is not an entry's. */
  error(frame: ErrorFrame): boolean {
    const entry = this.outbox.snapshot().find((e) => e.cid === frame.ref);
    if (!entry || frame.ref === undefined) return false;
    const wait = frame.retryAfterMs;
    if (frame.code === "rate_limited" && wait !== undefined && wait <= this.pacing.maxWaitMs) {
      const retryAt = this.timing.now() + wait;
      this.outbox.hold(frame.ref, retryAt);
      this.#pauseUntil(retryAt);
      this.events.outbox(this.outbox.snapshot());
      return true;
    }
    const error = RoomcastError.fromFrame(frame);
    this.outbox.fail(frame.ref, error);
    this.store?.remove(frame.ref);
    this.events.unsent({ entry, error });
    if (!this.flush()) this.events.outbox(this.outbox.snapshot());
    return true;
  }

  /**
   * Closed for good: every entry is rejected with `err`. Stored entries stay
   * stored, to be sent by the next client for this room and user.
   */
  fail(err: RoomcastError): void {
    this.#write = undefined;
    this.#pause.cancel();
    this.outbox.failAll(err);
    this.events.outbox([]);
  }

  /** Writes queued entries while there is room on the wire; true when something was written. */
  flush(): boolean {
    if (!this.#write || this.timing.now() < this.#resumeAt) return false;
    const room = this.pacing.maxInFlight - this.outbox.inFlight;
    if (room <= 0) return false;
    const drained = this.outbox.drain(room);
    for (const entry of drained) this.#write(this.toFrame(entry));
    if (drained.length > 0) this.events.outbox(this.outbox.snapshot());
    return drained.length > 0;
  }

  #pauseUntil(at: number): void {
    if (at <= this.#resumeAt) return;
    this.#resumeAt = at;
    this.#pause.arm(() => {
      this.#resumeAt = 0;
      this.flush();
    }, at - this.timing.now());
  }
}

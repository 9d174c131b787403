/**
 * Turns what the room sends (welcome history, live broadcasts, catch-up pages)
 * into one stream in which every message (and shared file) appears exactly once and in `seq`
 * order, across any number of reconnects.
 *
 * Why this is enough: the room is the single writer of `seq` and one socket
 * delivers frames in order, so on one connection live messages arrive in
 * order. The only windows for gaps or duplicates are reconnects: the welcome
 * after `since` may hold only the first page of what was missed (`hasMore`),
 * and broadcasts keep arriving while the client pages forward. Those are
 * buffered until the catch-up ends, and anything at or below the last
 * delivered seq is dropped.
 */
import type { HistoryEntry } from "../protocol/frames";

/** What the sequencer needs of a message: its seq (room messages, private messages). */
export interface Sequenced {
  seq: number;
}

/** What the sequencer needs of a welcome (a room's or an inbox's). */
export interface SequencedWelcome<M> {
  seq: number;
  history: M[];
  hasMore: boolean;
  resumed: boolean;
}

/** What the sequencer needs of a history page. */
export interface SequencedPage<M> {
  messages: M[];
  hasMore: boolean;
}

/** How a welcome relates to what the client had seen. */
export interface ResumeInfo {
  /** The `since` the client sent. */
  since: number;
  /** False when the room could not resume from `since`: messages may be missing. */
  resumed: boolean;
  /** The room's seq went backwards (it was reset): seqs start over. */
  reset: boolean;
  /** When not resumed: the range of seqs that were missed and are no longer kept. */
  missed?: { from: number; to: number };
}

/** The outcome of a frame: messages to deliver, and whether to page forward. */
export interface SequencerStep<M = HistoryEntry> {
  deliver: M[];
  /** Request `history { after: lastSeq }` next. */
  catchUp: boolean;
}

/**
 * The ordering and de-duplication state of one room (or one inbox).
 * @example
 * const step = sequencer.welcome(frame);
 * step.deliver.forEach(emit);
 * if (step.catchUp) send({ type: "history", after: sequencer.lastSeq });
 */
export class MessageSequencer<M extends Sequenced = HistoryEntry> {
  #lastSeq: number;
  #oldestSeq: number | undefined;
  #seen: boolean;
  #catchingUp = false;
  #buffer: M[] = [];

  /** `since`: resume from a seq the application already has (e.g. stored across page loads). */
  constructor(since?: number) {
    this.#lastSeq = since ?? 0;
    this.#seen = since !== undefined;
  }

  /** The last delivered seq: what `since` must be on the next connection. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The oldest delivered seq (the anchor of "load older"), if any. */
  get oldestSeq(): number | undefined {
    return this.#oldestSeq;
  }

  /** The `since` to send on the next upgrade, or undefined for a fresh join. */
  get since(): number | undefined {
    return this.#seen ? this.#lastSeq : undefined;
  }

  /** Whether live messages are being held back until a catch-up ends. */
  get catchingUp(): boolean {
    return this.#catchingUp;
  }

  /** Handles a welcome; `resume` is set when the client had asked to resume. */
  welcome<W extends SequencedWelcome<M>>(frame: W): SequencerStep<M> & { resume?: ResumeInfo } {
    const since = this.since;
    this.#seen = true;
    this.#catchingUp = false;
    this.#buffer = [];
    let resume: ResumeInfo | undefined;
    if (since !== undefined) {
      const reset = !frame.resumed && frame.seq < since;
      resume = { since, resumed: frame.resumed, reset };
      if (reset) {
        this.#lastSeq = 0;
        this.#oldestSeq = undefined;
      } else if (!frame.resumed) {
        const first = frame.history[0]?.seq ?? frame.seq + 1;
        if (first > since + 1) resume.missed = { from: since + 1, to: first - 1 };
      }
    }
    const deliver = this.#accept(frame.history);
    const catchUp = frame.resumed && frame.hasMore;
    this.#catchingUp = catchUp;
    return { deliver, catchUp, ...(resume ? { resume } : {}) };
  }

  /** Handles a live `room_message` (or `private_message`). */
  live(frame: M): M[] {
    if (this.#catchingUp) {
      this.#buffer.push(frame);
      return [];
    }
    return this.#accept([frame]);
  }

  /** Handles the answer to a catch-up `history { after }` request. */
  page<P extends SequencedPage<M>>(frame: P): SequencerStep<M> {
    const deliver = this.#accept(frame.messages);
    if (frame.hasMore && frame.messages.length > 0) return { deliver, catchUp: true };
    this.#catchingUp = false;
    const buffered = this.#buffer.sort((a, b) => a.seq - b.seq);
    this.#buffer = [];
    return { deliver: [...deliver, ...this.#accept(buffered)], catchUp: false };
  }

  /** Records older messages loaded by the application (they are not delivered again). */
  older(messages: readonly M[]): void {
    const first = messages[0];
    if (first && (this.#oldestSeq === undefined || first.seq < this.#oldestSeq)) this.#oldestSeq = first.seq;
  }

  #accept(messages: readonly M[]): M[] {
    const out: M[] = [];
    for (const message of messages) {
      if (message.seq <= this.#lastSeq) continue;
      this.#lastSeq = message.seq;
      if (this.#oldestSeq === undefined) this.#oldestSeq = message.seq;
      out.push(message);
    }
    return out;
  }
}

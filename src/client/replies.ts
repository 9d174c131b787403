/**
 * Requests answered by a frame that echoes their `cid` (moderation calls and
 * token refreshes): each waits for its answer, an `error` with its `cid` as
 * `ref`, a timeout, or the socket going away — whichever comes first.
 */
import { RoomcastError } from "./errors";
import { Timer, type Timing } from "./timing";

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: RoomcastError) => void;
  timer: Timer;
}

/**
 * Pending requests keyed by `cid`.
 * @example
 * const answer = replies.wait(cid); write({ type: "kick", userId, cid });
 * // later, from the frame handler:
 * replies.resolve(frame.cid, frame);
 */
export class Replies<T> {
  readonly #pending = new Map<string, Pending<T>>();

  constructor(
    private readonly timing: Timing,
    private readonly timeoutMs: number,
  ) {}

  /** Waits for the answer to the request with `cid`. */
  wait(cid: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = new Timer(this.timing);
      this.#pending.set(cid, { resolve, reject, timer });
      timer.arm(() => {
        this.#pending.delete(cid);
        reject(new RoomcastError("timeout", `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
  }

  /** Settles the request with `cid` with its answer; false when none waits for it. */
  resolve(cid: string | undefined, value: T): boolean {
    const pending = this.#take(cid);
    pending?.resolve(value);
    return pending !== undefined;
  }

  /** Rejects the request with `cid` (an `error` frame with it as `ref`); false when none waits. */
  reject(cid: string | undefined, err: RoomcastError): boolean {
    const pending = this.#take(cid);
    pending?.reject(err);
    return pending !== undefined;
  }

  /** Rejects every pending request (the socket they were sent on is gone). */
  failAll(err: RoomcastError): void {
    for (const pending of this.#pending.values()) {
      pending.timer.cancel();
      pending.reject(err);
    }
    this.#pending.clear();
  }

  #take(cid: string | undefined): Pending<T> | undefined {
    if (cid === undefined) return undefined;
    const pending = this.#pending.get(cid);
    if (!pending) return undefined;
    this.#pending.delete(cid);
    pending.timer.cancel();
    return pending;
  }
}

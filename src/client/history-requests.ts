/**
 * `history` requests over the socket. The wire has no request id for them, so
 * answers are matched by order, and only one request is on the wire at a time:
 * a request the room refuses (say, `rate_limited`, which carries no `ref`)
 * then costs its own timeout instead of shifting every later answer onto the
 * wrong request.
 */
import type { HistoryFrame } from "../protocol/frames";
import type { HistoryRequest } from "../protocol/schemas";
import { RoomcastError } from "./errors";
import { Timer, type Timing } from "./timing";

/** Who asked: the application ("load older") or the client's own catch-up after a resume. */
export type HistoryOrigin = "app" | "catch-up";

interface Request<P> {
  query: HistoryRequest;
  origin: HistoryOrigin;
  resolve: (frame: P) => void;
  reject: (err: RoomcastError) => void;
}

/**
 * A queue of history requests, one in flight.
 * @example
 * const page = requests.add({ before: 40, limit: 20 }, "app");
 * requests.pump(send); // writes the head when nothing is in flight
 * requests.answer(historyFrame);
 */
export class HistoryRequests<P = HistoryFrame> {
  #queue: Request<P>[] = [];
  #inFlight: Request<P> | undefined;
  readonly #timer: Timer;

  constructor(
    timing: Timing,
    private readonly timeoutMs: number,
    private readonly onTimeout: (origin: HistoryOrigin) => void,
  ) {
    this.#timer = new Timer(timing);
  }

  /** Queues a request. */
  add(query: HistoryRequest, origin: HistoryOrigin): Promise<P> {
    return new Promise((resolve, reject) => {
      // Catch-up pages go first: live messages are held back until they are in.
      const request = { query, origin, resolve, reject };
      if (origin === "catch-up") this.#queue.unshift(request);
      else this.#queue.push(request);
    });
  }

  /** Writes the next request with `send` if none is in flight. */
  pump(send: (query: HistoryRequest) => void): void {
    if (this.#inFlight) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.#inFlight = next;
    send(next.query);
    this.#timer.arm(() => {
      const timedOut = this.#inFlight;
      this.#inFlight = undefined;
      if (!timedOut) return;
      timedOut.reject(new RoomcastError("timeout", `no history answer within ${this.timeoutMs} ms`));
      this.onTimeout(timedOut.origin);
    }, this.timeoutMs);
  }

  /** Settles the in-flight request with its answer; returns who asked, if anyone. */
  answer(frame: P): HistoryOrigin | undefined {
    const request = this.#inFlight;
    if (!request) return undefined;
    this.#inFlight = undefined;
    this.#timer.cancel();
    request.resolve(frame);
    return request.origin;
  }

  /**
   * After a drop: the in-flight answer will never come. Application requests
   * are asked again on the next connection; catch-up requests are dropped,
   * because the next welcome decides afresh whether a catch-up is needed.
   */
  reset(): void {
    this.#timer.cancel();
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (inFlight && inFlight.origin === "app") this.#queue.unshift(inFlight);
    this.#queue = this.#queue.filter((r) => {
      if (r.origin === "app") return true;
      r.reject(new RoomcastError("closed", "the connection dropped during a catch-up"));
      return false;
    });
  }

  /** Rejects everything (the client closed for good). */
  failAll(err: RoomcastError): void {
    this.#timer.cancel();
    const all = this.#inFlight ? [this.#inFlight, ...this.#queue] : this.#queue;
    this.#inFlight = undefined;
    this.#queue = [];
    for (const r of all) r.reject(err);
  }
}

/**
 * `history` requests over the socket. Each carries a `ref` the server echoes
 * on its answer and on an `error` refusing it, so any number can be in flight
 * at once and a refused one fails at once (no waiting for its timeout, no
 * blocking the others). Each still has a timeout, for an answer lost with the
 * socket.
 */
import type { ErrorFrame } from "../protocol/frames";
import type { HistoryRequest } from "../protocol/requests";
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

/** The prefix of the refs this client gives history requests (message cids are random ids). */
const REF_PREFIX = "hist-";

/**
 * History requests: queued while no socket is open, then all on the wire.
 * @example
 * const page = requests.add({ before: 40, limit: 20 }, "app");
 * requests.pump(send); // writes every queued request with its ref
 * requests.answer(historyFrame); // settles the request its `ref` names
 */
export class HistoryRequests<P extends { ref?: string | undefined }> {
  #queue: Request<P>[] = [];
  readonly #inFlight = new Map<string, Request<P> & { timer: Timer }>();
  #nextRef = 0;

  constructor(
    private readonly timing: Timing,
    private readonly timeoutMs: number,
    private readonly onTimeout: (origin: HistoryOrigin) => void,
  ) {}

  /** Queues a request. */
  add(query: HistoryRequest, origin: HistoryOrigin): Promise<P> {
    return new Promise((resolve, reject) => {
      // Catch-up pages go first: live messages are held back until they are in.
      const request = { query, origin, resolve, reject };
      if (origin === "catch-up") this.#queue.unshift(request);
      else this.#queue.push(request);
    });
  }

  /** Writes every queued request with `send`, each with a fresh `ref`. */
  pump(send: (query: HistoryRequest) => void): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const request of queued) {
      const ref = `${REF_PREFIX}${++this.#nextRef}`;
      const timer = new Timer(this.timing);
      this.#inFlight.set(ref, { ...request, timer });
      send({ ...request.query, ref });
      timer.arm(() => {
        if (!this.#inFlight.delete(ref)) return;
        request.reject(new RoomcastError("timeout", `no history answer within ${this.timeoutMs} ms`));
        this.onTimeout(request.origin);
      }, this.timeoutMs);
    }
  }

  /** Settles the request the answer's `ref` names; returns who asked, if anyone. */
  answer(frame: P): HistoryOrigin | undefined {
    const request = this.#take(frame.ref);
    request?.resolve(frame);
    return request?.origin;
  }

  /** Rejects the request an `error` names by `ref`; returns who asked, if it was one of ours. */
  refuse(frame: ErrorFrame): HistoryOrigin | undefined {
    const request = this.#take(frame.ref);
    request?.reject(RoomcastError.fromFrame(frame));
    return request?.origin;
  }

  /**
   * After a drop: the answers in flight will never come. Application requests
   * are asked again on the next connection; catch-up requests are dropped,
   * because the next welcome decides afresh whether a catch-up is needed.
   */
  reset(): void {
    const inFlight = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const r of inFlight) r.timer.cancel();
    const again = [...inFlight, ...this.#queue];
    this.#queue = [];
    for (const r of again) {
      if (r.origin === "app")
        this.#queue.push({ query: r.query, origin: r.origin, resolve: r.resolve, reject: r.reject });
      else r.reject(new RoomcastError("closed", "the connection dropped during a catch-up"));
    }
  }

  /** Rejects everything (the client closed for good). */
  failAll(err: RoomcastError): void {
    const all = [...this.#inFlight.values(), ...this.#queue];
    for (const r of this.#inFlight.values()) r.timer.cancel();
    this.#inFlight.clear();
    this.#queue = [];
    for (const r of all) r.reject(err);
  }

  #take(ref: string | undefined): (Request<P> & { timer: Timer }) | undefined {
    if (ref === undefined || !ref.startsWith(REF_PREFIX)) return undefined;
    const request = this.#inFlight.get(ref);
    if (!request) return undefined;
    this.#inFlight.delete(ref);
    request.timer.cancel();
    return request;
  }
}

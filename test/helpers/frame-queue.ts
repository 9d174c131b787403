/**
 * Collects the frames a test socket receives, so a test can wait for the next
 * frame of a type (with a timeout) without racing the socket. Works with
 * workerd's WebSocket, Node's global WebSocket and the `ws` package alike.
 */
import type { AnyServerFrame as ServerFrame } from "../../src/protocol/frames";

interface EventSocket {
  addEventListener(type: "message", fn: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", fn: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: "error", fn: (event: unknown) => void): void;
}

type FrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

interface Waiter {
  match: (frame: ServerFrame) => boolean;
  resolve: (frame: ServerFrame) => void;
}

/** Frames received by one socket, in order. */
export class FrameQueue {
  /** Every frame received, consumed or not. */
  readonly all: ServerFrame[] = [];
  /** Raw text frames that were not JSON (should never happen). */
  readonly garbage: unknown[] = [];
  #pending: ServerFrame[] = [];
  #waiters: Waiter[] = [];
  #closed: Promise<{ code: number; reason: string }>;

  constructor(socket: EventSocket) {
    socket.addEventListener("message", (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        this.garbage.push(event.data);
        return;
      }
      this.all.push(frame);
      const waiter = this.#waiters.find((w) => w.match(frame));
      if (waiter) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else {
        this.#pending.push(frame);
      }
    });
    this.#closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
    });
    // An error is always followed by a close; waiting on close covers it.
    socket.addEventListener("error", () => {});
  }

  /** Waits for (and consumes) the next frame of `type`; earlier frames of other types stay queued. */
  next<T extends ServerFrame["type"]>(type: T, timeoutMs = 5000): Promise<FrameOf<T>> {
    return this.nextMatching((f): f is FrameOf<T> => f.type === type, `a ${type} frame`, timeoutMs);
  }

  /** Waits for (and consumes) the next frame for which `match` holds. */
  nextMatching<F extends ServerFrame>(
    match: (frame: ServerFrame) => frame is F,
    what: string,
    timeoutMs = 5000,
  ): Promise<F> {
    const index = this.#pending.findIndex(match);
    if (index >= 0) return Promise.resolve(this.#pending.splice(index, 1)[0] as F);
    return new Promise<F>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as F);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Unconsumed frames of `type` received so far. */
  pending<T extends ServerFrame["type"]>(type: T): FrameOf<T>[] {
    return this.#pending.filter((f): f is FrameOf<T> => f.type === type);
  }

  /** Resolves with the close event, or rejects after `timeoutMs`. */
  closed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for close`)),
        timeoutMs,
      );
      void this.#closed.then((event) => {
        clearTimeout(timer);
        resolve(event);
      });
    });
  }
}

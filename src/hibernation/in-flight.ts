/**
 * The work a socket's frames left running (an inbox's send waiting on the
 * recipient's inbox, a room message waiting on the pre-publish hook), per
 * socket, so that what the object says on its own afterwards (a refusal, the
 * close) goes out behind the acks of those frames instead of overtaking them:
 * a message that is stored is always acked before the socket is closed.
 *
 * In memory only: an object with work in flight is inside a live event, so it
 * cannot hibernate, and a socket with nothing in flight takes no entry (the
 * synchronous message path never touches this).
 */
const settled = (): void => {};

/** Per-socket chains of work in flight. */
export class InFlight {
  /** Per socket: settles once everything tracked for it (and queued behind it) is done. */
  readonly #tails = new Map<WebSocket, Promise<void>>();

  /** Adds `work` (which answers its own failures) to what `ws` has in flight. */
  track(ws: WebSocket, work: Promise<unknown>): void {
    const prior = this.#tails.get(ws);
    this.#set(ws, prior ? Promise.all([prior, work]) : work);
  }

  /**
   * Runs `then` once the work in flight for `ws` is done, at once when there is
   * none; what is queued this way runs in the order it was queued.
   * @example inFlight.after(ws, () => ws.close(4008, "rate limit exceeded"));
   */
  after(ws: WebSocket, then: () => void): void {
    const prior = this.#tails.get(ws);
    if (!prior) {
      then();
      return;
    }
    this.#set(ws, prior.then(then));
  }

  #set(ws: WebSocket, work: Promise<unknown>): void {
    const tail = work.then(settled, settled);
    this.#tails.set(ws, tail);
    // The entry goes when nothing was queued behind it meanwhile.
    void tail.then(() => {
      if (this.#tails.get(ws) === tail) this.#tails.delete(ws);
    });
  }
}

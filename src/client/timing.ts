/**
 * Time and randomness, injectable so that backoff and heartbeat logic can be
 * tested deterministically (a fake clock, a fixed `random`, timers the test
 * fires by hand) instead of by sleeping.
 */

/** An opaque timer handle, as returned by {@link Timing.setTimeout}. */
export type TimerHandle = unknown;

/** The clock, timers and randomness the client uses. */
export interface Timing {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A number in [0, 1), used for backoff jitter. */
  random(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The platform's clock and timers (`Date.now`, `Math.random`, global timers).
 * @example const timing = { ...systemTiming, random: () => 0.5 }; // fixed jitter
 */
export const systemTiming: Timing = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A single re-armable timer on top of {@link Timing}: arming it again replaces
 * the pending callback, so callers never leak a forgotten timeout.
 * @example const t = new Timer(systemTiming); t.arm(() => retry(), 1000); t.cancel();
 */
export class Timer {
  #handle: TimerHandle | undefined;

  constructor(private readonly timing: Timing) {}

  /** Whether a callback is pending. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Runs `fn` after `ms`, replacing any pending callback. */
  arm(fn: () => void, ms: number): void {
    this.cancel();
    this.#handle = this.timing.setTimeout(() => {
      this.#handle = undefined;
      fn();
    }, ms);
  }

  /** Drops the pending callback, if any. */
  cancel(): void {
    if (this.#handle === undefined) return;
    this.timing.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/**
 * A hand-driven clock for the client's `timing` option: nothing fires until
 * the test says so, so backoff delays and heartbeat deadlines are asserted
 * exactly, without sleeping.
 */
import type { Timing } from "../../src/client";

interface FakeTimer {
  id: number;
  at: number;
  ms: number;
  fn: () => void;
}

/** Timers that fire only when the test fires them. */
export class FakeTiming implements Timing {
  nowMs = 1_800_000_000_000;
  /** What `random()` returns next (jitter); a function for sequences. */
  nextRandom: () => number = () => 0.5;
  readonly #timers = new Map<number, FakeTimer>();
  #nextId = 1;

  now(): number {
    return this.nowMs;
  }

  random(): number {
    return this.nextRandom();
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.nowMs + ms, ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** The delays of the pending timers, earliest first. */
  pending(): number[] {
    return this.#sorted().map((t) => t.ms);
  }

  /** Fires the earliest pending timer whose delay is `ms` (advancing the clock to it). */
  fire(ms: number): void {
    const timer = this.#sorted().find((t) => t.ms === ms);
    if (!timer)
      throw new Error(`no pending ${ms} ms timer (pending: ${this.pending().join(", ") || "none"})`);
    this.#timers.delete(timer.id);
    this.nowMs = Math.max(this.nowMs, timer.at);
    timer.fn();
  }

  #sorted(): FakeTimer[] {
    return [...this.#timers.values()].sort((a, b) => a.at - b.at || a.id - b.id);
  }
}

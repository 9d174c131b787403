// The SDK's outgoing typing indicator on a fake clock: at most one
// `isTyping: true` per throttleMs across messages (so a fast typist stays within
// the room's TYPING_RATE_PER_MINUTE and never spends the message budget), no
// `false` after a send (the message ends the typing on the other side), and
// typing right after a send is still shown once the throttle allows.
import { describe, expect, it } from "vitest";
import { DEFAULT_TYPING, type Timing } from "../../src/client";
import { OutgoingTyping } from "../../src/client/typing";

/** A clock that only moves when told to, running the timers that fall due. */
class SteppedClock implements Timing {
  #now = 0;
  #next = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.#now;
  random = (): number => 0.5;
  setTimeout = (fn: () => void, ms: number): number => {
    this.#timers.set(++this.#next, { at: this.#now + ms, fn });
    return this.#next;
  };
  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };
  /** Moves the clock `ms` forward, firing due timers in order. */
  fire(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = end;
  }
}

function typist() {
  const timing = new SteppedClock();
  const frames: { at: number; isTyping: boolean }[] = [];
  const typing = new OutgoingTyping(timing, DEFAULT_TYPING, (isTyping) => {
    frames.push({ at: timing.now(), isTyping });
    return true;
  });
  return { timing, frames, typing };
}

describe("outgoing typing", () => {
  it("sends one true per throttle while typing, none after a send, false after a pause", () => {
    const { timing, frames, typing } = typist();
    typing.keystroke();
    for (let i = 0; i < 10; i++) {
      timing.fire(100);
      typing.keystroke();
    }
    expect(frames).toEqual([{ at: 0, isTyping: true }]);
    typing.sent(); // Enter at 1000 ms: no frame
    expect(frames).toHaveLength(1);
    timing.fire(100);
    typing.keystroke(); // typing again at 1100 ms: held until the throttle allows (3000 ms)
    expect(frames).toHaveLength(1);
    timing.fire(1900);
    expect(frames.at(-1)).toEqual({ at: 3000, isTyping: true });
    timing.fire(DEFAULT_TYPING.idleMs); // a pause after the last keystroke (1100 ms): false
    expect(frames.at(-1)).toEqual({ at: 1100 + DEFAULT_TYPING.idleMs, isTyping: false });
  });

  it("stays within a typing budget of 60 a minute for a typist sending 110 messages a minute", () => {
    const { timing, frames, typing } = typist();
    for (let message = 0; message < 110; message++) {
      for (let key = 0; key < 5; key++) {
        typing.keystroke();
        timing.fire(100);
      }
      typing.sent(); // ~545 ms per message
    }
    timing.fire(60_000);
    const inFirstMinute = frames.filter((f) => f.at < 60_000);
    expect(inFirstMinute.length).toBeLessThanOrEqual(21);
    expect(inFirstMinute.length).toBeGreaterThanOrEqual(10); // the others still see typing
  });
});

/**
 * Typing indicators in both directions. Outgoing: a keystroke sends
 * `isTyping: true` at most once per `throttleMs` (across messages too) and
 * `false` after `idleMs` without keystrokes or when the input is cleared; a
 * sent message needs no `false`, since receivers end its author's typing when
 * the message arrives. So a fast typist sends at most one typing frame per
 * `throttleMs`, well within the room's typing budget (TYPING_RATE_PER_MINUTE),
 * and never spends the message budget. Incoming: a user stays "typing" until
 * they say otherwise, a message of theirs arrives, or `expireMs` passes
 * without a fresh `true` (their `false` may never come if they dropped).
 */
import type { UserRef } from "../protocol/frames";
import { Timer, type Timing } from "./timing";

/** Typing settings. */
export interface TypingOptions {
  /** At most one `isTyping: true` per this long. Default 3000 ms. */
  throttleMs: number;
  /** Send `isTyping: false` after this long without keystrokes. Default 5000 ms. */
  idleMs: number;
  /** Forget another user's `true` after this long. Default 6000 ms (longer than `throttleMs`). */
  expireMs: number;
}

/** The defaults of {@link TypingOptions}. */
export const DEFAULT_TYPING: TypingOptions = { throttleMs: 3000, idleMs: 5000, expireMs: 6000 };

/**
 * Throttles the local user's typing frames.
 * @example input.oninput = () => outgoing.keystroke(); form.onsubmit = () => outgoing.stop();
 */
export class OutgoingTyping {
  /** When the last `true` went out (kept across messages, for the throttle). */
  #sentAt: number | undefined;
  /** Whether the others think we are typing (a `true` sent, no `false` or message since). */
  #announced = false;
  readonly #idle: Timer;
  /** A `true` held back by the throttle, sent when it allows (if the user is still typing). */
  readonly #deferred: Timer;

  constructor(
    private readonly timing: Timing,
    private readonly options: TypingOptions,
    private readonly send: (isTyping: boolean) => boolean,
  ) {
    this.#idle = new Timer(timing);
    this.#deferred = new Timer(timing);
  }

  /** The user pressed a key. */
  keystroke(): void {
    const elapsed = this.#sentAt === undefined ? Number.POSITIVE_INFINITY : this.timing.now() - this.#sentAt;
    if (elapsed >= this.options.throttleMs) this.#announce();
    else if (!this.#announced && !this.#deferred.armed) {
      // Typing again right after a send: shown once the throttle allows, not lost.
      this.#deferred.arm(() => {
        if (this.#idle.armed && !this.#announced) this.#announce();
      }, this.options.throttleMs - elapsed);
    }
    this.#idle.arm(() => this.stop(), this.options.idleMs);
  }

  /** The user stopped typing (cleared the input, or paused): `false`, if they were shown typing. */
  stop(): void {
    this.#idle.cancel();
    this.#deferred.cancel();
    if (!this.#announced) return;
    this.#announced = false;
    this.send(false);
  }

  #announce(): void {
    if (!this.send(true)) return;
    this.#sentAt = this.timing.now();
    this.#announced = true;
  }

  /** A message was sent: its arrival ends the typing for the others, so no frame is needed. */
  sent(): void {
    this.#idle.cancel();
    this.#deferred.cancel();
    this.#announced = false;
  }

  /** Forgets any state (the socket dropped; the room has already cleared it). */
  reset(): void {
    this.#idle.cancel();
    this.#deferred.cancel();
    this.#sentAt = undefined;
    this.#announced = false;
  }
}

/**
 * Who else is typing, with expiry.
 * @example incoming.update(frame.user, frame.isTyping); render(incoming.users());
 */
export class IncomingTyping {
  readonly #users = new Map<string, { user: UserRef; timer: Timer }>();

  constructor(
    private readonly timing: Timing,
    private readonly options: TypingOptions,
    private readonly changed: (users: UserRef[]) => void,
  ) {}

  /** The users currently typing, in the order they started. */
  users(): UserRef[] {
    return [...this.#users.values()].map((e) => e.user);
  }

  /** Applies a typing frame (or a departure, as `false`). */
  update(user: UserRef, isTyping: boolean): void {
    const entry = this.#users.get(user.id);
    if (!isTyping) {
      if (!entry) return;
      entry.timer.cancel();
      this.#users.delete(user.id);
      this.changed(this.users());
      return;
    }
    const timer = entry?.timer ?? new Timer(this.timing);
    timer.arm(() => this.update(user, false), this.options.expireMs);
    if (!entry) {
      this.#users.set(user.id, { user, timer });
      this.changed(this.users());
    }
  }

  /** Forgets everyone (the socket dropped). */
  clear(): void {
    const had = this.#users.size > 0;
    for (const entry of this.#users.values()) entry.timer.cancel();
    this.#users.clear();
    if (had) this.changed([]);
  }
}

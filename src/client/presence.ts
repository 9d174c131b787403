/**
 * Who is in the room: the welcome's list, then `user_joined` / `user_left` (or a
 * batched `presence_diff` in large rooms).
 * The room sends those on a user's first connection and last disconnection, so
 * a map keyed by user id stays exact.
 */
import type { UserRef } from "../protocol/frames";

/**
 * The room's presence list.
 * @example presence.reset(welcome.presence); presence.join(frame.user); presence.list();
 */
export class Presence {
  readonly #users = new Map<string, UserRef>();

  /** Everyone present, in the order they were first seen. */
  list(): UserRef[] {
    return [...this.#users.values()];
  }

  /** Replaces the list (a welcome). */
  reset(users: readonly UserRef[]): void {
    this.#users.clear();
    for (const user of users) this.#users.set(user.id, user);
  }

  /** Adds a user; false when already present. */
  join(user: UserRef): boolean {
    if (this.#users.has(user.id)) return false;
    this.#users.set(user.id, user);
    return true;
  }

  /** Removes a user; false when absent. */
  leave(user: UserRef): boolean {
    return this.#users.delete(user.id);
  }

  /** Forgets everyone (closed for good). */
  clear(): void {
    this.#users.clear();
  }
}

/**
 * Who is in the room, as a cache in memory. The sockets' attachments stay the
 * source of truth: after a wake-up from hibernation the index is rebuilt from
 * them on first use, so losing it costs one pass over the sockets, never a
 * wrong answer. Without it every join would read every socket's attachment
 * (O(n) per join, O(n²) for a room filling up).
 *
 * Each user maps to their connection ids, so adding or removing a connection
 * the rebuild already saw (or never saw) is harmless.
 */

import { liveConnections } from "../hibernation/sockets";
import type { UserRef } from "../protocol/frames";

interface Entry {
  user: UserRef;
  connIds: Set<string>;
}

/** Users with live connections, and how many connections the room has. */
export class PresenceIndex {
  #users: Map<string, Entry> | undefined;
  #connections = 0;
  /**
   * Users already reported gone since this instance woke up. A wake-up caused by
   * close events rebuilds the index without the closing sockets, so a user whose
   * tabs all close at once has no entry; without this, each close would report
   * the user gone again.
   */
  readonly #gone = new Set<string>();

  /**
   * {@link list} as JSON array items (no brackets), kept up to date as users
   * arrive (appended) and rebuilt after a departure: a room filling up sends
   * every joiner the whole list, and serializing it afresh each time was a
   * large share of a join's CPU.
   */
  #json: string | undefined;

  constructor(private readonly sockets: () => WebSocket[]) {}

  /** Records a new connection; true when it is the user's first. */
  add(user: UserRef, connId: string): boolean {
    const users = this.#load();
    let entry = users.get(user.id);
    if (!entry) {
      entry = { user, connIds: new Set() };
      users.set(user.id, entry);
      if (this.#json !== undefined) {
        const item = JSON.stringify(user);
        this.#json = this.#json === "" ? item : `${this.#json},${item}`;
      }
    }
    if (!entry.connIds.has(connId)) {
      entry.connIds.add(connId);
      this.#connections += 1;
    }
    this.#gone.delete(user.id);
    return entry.connIds.size === 1;
  }

  /** Forgets a connection; true when the user has no connection left. */
  remove(userId: string, connId: string): boolean {
    const users = this.#load();
    const entry = users.get(userId);
    if (entry?.connIds.delete(connId)) this.#connections -= 1;
    if (entry && entry.connIds.size > 0) return false;
    if (users.delete(userId)) this.#json = undefined;
    if (this.#gone.has(userId)) return false;
    this.#gone.add(userId);
    return true;
  }

  /** Whether the user has a live connection. */
  has(userId: string): boolean {
    return this.#load().has(userId);
  }

  /** Every present user, once each. */
  list(): UserRef[] {
    return [...this.#load().values()].map((e) => e.user);
  }

  /** `JSON.stringify(this.list())`, from the cache. */
  listJson(): string {
    this.#json ??= this.list()
      .map((user) => JSON.stringify(user))
      .join(",");
    return `[${this.#json}]`;
  }

  /** Live connections in the room. */
  get connections(): number {
    this.#load();
    return this.#connections;
  }

  #load(): Map<string, Entry> {
    if (this.#users) return this.#users;
    const users = new Map<string, Entry>();
    let connections = 0;
    for (const { att } of liveConnections(this.sockets())) {
      const entry = users.get(att.user.id) ?? { user: att.user, connIds: new Set<string>() };
      entry.connIds.add(att.connId);
      users.set(att.user.id, entry);
      connections += 1;
    }
    this.#users = users;
    this.#connections = connections;
    this.#json = undefined;
    return users;
  }
}

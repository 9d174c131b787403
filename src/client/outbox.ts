/**
 * Messages waiting for their `ack`. Each has a client id (`cid`) that stays the
 * same across retries: the room answers a retried `cid` with the original ack
 * and neither stores nor broadcasts it again, so resending everything unacked
 * after a reconnect loses nothing and doubles nothing.
 */
import type { AckFrame } from "../protocol/frames";
import type { RoomcastError } from "./errors";

/**
 * `queued`: waiting for an open socket (or its turn). `sent`: written to a
 * socket, no ack yet. `waiting`: the room said `rate_limited`; sent again at `retryAt`.
 */
export type OutboxStatus = "queued" | "sent" | "waiting";

/** One unacknowledged message, as exposed to the application. */
export interface OutboxEntry {
  cid: string;
  content: string;
  /** The recipient of a private message (inbox client only). */
  to?: string;
  status: OutboxStatus;
  /** How many times it was written to a socket (more than 1 means it was retried). */
  attempts: number;
  /** When `send` was called (ms since the epoch). */
  createdAt: number;
  /** For `waiting`: when it will be sent again (ms since the epoch). */
  retryAt?: number;
}

interface Pending extends OutboxEntry {
  resolve: (ack: AckFrame) => void;
  reject: (err: RoomcastError) => void;
}

/**
 * The ordered queue of unacknowledged messages.
 * @example
 * const ack = outbox.add("c1", "hello", Date.now());
 * for (const entry of outbox.drain()) socket.send(...);
 * outbox.ack({ type: "ack", cid: "c1", id, seq, timestamp });
 */
export class Outbox {
  #entries: Pending[] = [];

  /** A snapshot of the entries, oldest first. */
  snapshot(): OutboxEntry[] {
    return this.#entries.map(({ cid, content, to, status, attempts, createdAt, retryAt }) => ({
      cid,
      content,
      ...(to !== undefined ? { to } : {}),
      status,
      attempts,
      createdAt,
      ...(retryAt !== undefined ? { retryAt } : {}),
    }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Queues a message (to `to`, for a private one); the promise settles with its ack or its error. */
  add(cid: string, content: string, now: number, to?: string): Promise<AckFrame> {
    return new Promise((resolve, reject) => {
      const entry: Pending = { cid, content, status: "queued", attempts: 0, createdAt: now, resolve, reject };
      if (to !== undefined) entry.to = to;
      this.#entries.push(entry);
    });
  }

  /** How many entries are on the wire (written, no answer yet). */
  get inFlight(): number {
    return this.#entries.filter((e) => e.status === "sent").length;
  }

  /**
   * Marks up to `max` queued (or waiting) entries as sent and returns them, in
   * order, for writing to the socket.
   */
  drain(max = Number.POSITIVE_INFINITY): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const entry of this.#entries) {
      if (out.length >= max) break;
      if (entry.status === "sent") continue;
      delete entry.retryAt;
      entry.status = "sent";
      entry.attempts += 1;
      out.push(entry);
    }
    return out;
  }

  /** After a drop: whatever was sent without an ack must be sent again (same cid). */
  requeue(): void {
    for (const entry of this.#entries) {
      entry.status = "queued";
      delete entry.retryAt;
    }
  }

  /** The room refused the entry for now (`rate_limited`): it waits, to be sent again at `retryAt`. */
  hold(cid: string | undefined, retryAt: number): boolean {
    const entry = this.#entries.find((e) => e.cid === cid);
    if (!entry) return false;
    entry.status = "waiting";
    entry.retryAt = retryAt;
    return true;
  }

  /** Adds an entry restored from storage (sent again with its cid); nobody awaits its ack. */
  restore(entry: Pick<OutboxEntry, "cid" | "content" | "createdAt" | "to">): boolean {
    if (this.#entries.some((e) => e.cid === entry.cid)) return false;
    const restored: Pending = {
      cid: entry.cid,
      content: entry.content,
      status: "queued",
      attempts: 0,
      createdAt: entry.createdAt,
      resolve: () => {},
      reject: () => {},
    };
    if (entry.to !== undefined) restored.to = entry.to;
    this.#entries.push(restored);
    return true;
  }

  /** Settles the entry an ack is for; false when it is not ours (a retry already settled). */
  ack(frame: AckFrame): boolean {
    const entry = this.#take(frame.cid);
    entry?.resolve(frame);
    return entry !== undefined;
  }

  /** Rejects the entry an error refers to; false when no entry has that cid. */
  fail(cid: string | undefined, err: RoomcastError): boolean {
    const entry = this.#take(cid);
    entry?.reject(err);
    return entry !== undefined;
  }

  /** Rejects every entry (the client closed for good). */
  failAll(err: RoomcastError): void {
    const entries = this.#entries;
    this.#entries = [];
    for (const entry of entries) entry.reject(err);
  }

  #take(cid: string | undefined): Pending | undefined {
    if (cid === undefined) return undefined;
    const index = this.#entries.findIndex((e) => e.cid === cid);
    if (index < 0) return undefined;
    return this.#entries.splice(index, 1)[0];
  }
}

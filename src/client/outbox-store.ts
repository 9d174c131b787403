/**
 * Keeps a client's outbox in Web Storage (`localStorage` in a browser, or any
 * object with the same three methods), keyed by room (or inbox) and user, so
 * messages typed but not yet acknowledged survive a room switch, a reload or a
 * crash. A restored entry is sent again with its original `cid`, and the
 * server's de-duplication by `cid` makes that exactly-once even when the first
 * attempt was stored before the page went away.
 */
import type { OutboxEntry } from "./outbox";

/** The part of the Web Storage API the outbox needs (`localStorage` has it). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where the outbox is kept: the storage, and whose outbox it is (the token's `sub`). */
export interface OutboxPersistence {
  storage: StorageLike;
  /** The signed-in user's id: outboxes of different users never mix. */
  user: string;
}

/** What is stored of an entry. */
export type PersistedOutboxEntry = Pick<OutboxEntry, "cid" | "content" | "createdAt" | "to">;

/**
 * One outbox in storage. Every change is a read-modify-write of its key, so two
 * tabs of the same user add and remove their own entries without erasing the other's.
 * @example const store = new OutboxStore({ storage: localStorage, user: "alice" }, "room:general");
 */
export class OutboxStore {
  readonly key: string;

  constructor(
    private readonly persistence: OutboxPersistence,
    /** What the outbox is for: `room:<name>` or `inbox`. */
    scope: string,
  ) {
    this.key = `roomcast.outbox.v1:${scope}:${persistence.user}`;
  }

  /** The stored entries, oldest first (an unreadable value reads as none). */
  load(): PersistedOutboxEntry[] {
    try {
      const raw = this.persistence.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter(isPersistedOutboxEntry) : [];
    } catch {
      return [];
    }
  }

  /** Remembers an entry until {@link remove} is called for its cid. */
  put(entry: PersistedOutboxEntry): void {
    const entries = this.load();
    if (entries.some((e) => e.cid === entry.cid)) return;
    const { cid, content, createdAt, to } = entry;
    entries.push({ cid, content, createdAt, ...(to !== undefined ? { to } : {}) });
    this.#save(entries);
  }

  /** Forgets an entry (acknowledged, or refused for good). */
  remove(cid: string): void {
    const entries = this.load();
    const kept = entries.filter((e) => e.cid !== cid);
    if (kept.length !== entries.length) this.#save(kept);
  }

  #save(entries: PersistedOutboxEntry[]): void {
    try {
      if (entries.length === 0) this.persistence.storage.removeItem(this.key);
      else this.persistence.storage.setItem(this.key, JSON.stringify(entries));
    } catch {
      // Storage full or denied (private mode): the outbox still works in memory.
    }
  }
}

function isPersistedOutboxEntry(value: unknown): value is PersistedOutboxEntry {
  const e = value as Partial<PersistedOutboxEntry> | null;
  return (
    typeof e?.cid === "string" &&
    typeof e.content === "string" &&
    typeof e.createdAt === "number" &&
    (e.to === undefined || typeof e.to === "string")
  );
}

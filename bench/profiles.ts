/**
 * The two profiles: `quick` (the default, a few minutes for all three targets)
 * and `full` (`npm run bench -- --full`: longer phases, the 1,000-client sweep
 * point and the 60-second hibernation check).
 */
export interface Profile {
  name: "quick" | "full";
  /** Connect storm and idle memory: clients in one room, handshakes in flight. */
  storm: {
    clients: number;
    concurrency: number;
    measureLeave: boolean;
    /** Slow joins, for memory without the burst's allocator high-water: clients at perSecond. */
    slow: { clients: number; perSecond: number };
  };
  /** (f) heartbeats while the room should sleep; undefined = skipped. */
  hibernation?: { idleBeforeMs: number; pingForMs: number; pingEveryMs: number };
  /** (a) fan-out at saturation. */
  fanout: {
    clients: number;
    senders: number;
    perSenderPerSecond: number;
    durationMs: number;
    drainMaxMs: number;
  };
  /** (b) light-load latency. */
  light: { clients: number; senders: number; perSenderPerSecond: number; durationMs: number };
  /** (c) room-size sweep at a fixed total send rate. */
  sweep: { sizes: number[]; messagesPerSecond: number; durationMs: number };
  /** (e) one sender flat out, `window` messages unanswered at a time. */
  persist: { window: number; durationMs: number };
  /** (g) uploads: `clients` users each upload `rounds` files of `bytes`, all at once. */
  upload: { clients: number; rounds: number; bytes: number };
}

export const PROFILES: Record<Profile["name"], Profile> = {
  quick: {
    name: "quick",
    storm: { clients: 1000, concurrency: 100, measureLeave: false, slow: { clients: 500, perSecond: 25 } },
    fanout: { clients: 200, senders: 10, perSenderPerSecond: 100, durationMs: 3000, drainMaxMs: 15_000 },
    light: { clients: 50, senders: 10, perSenderPerSecond: 1, durationMs: 8000 },
    sweep: { sizes: [10, 100, 500], messagesPerSecond: 20, durationMs: 4000 },
    persist: { window: 32, durationMs: 4000 },
    upload: { clients: 20, rounds: 3, bytes: 1024 * 1024 },
  },
  full: {
    name: "full",
    storm: { clients: 1000, concurrency: 100, measureLeave: true, slow: { clients: 1000, perSecond: 25 } },
    hibernation: { idleBeforeMs: 15_000, pingForMs: 60_000, pingEveryMs: 10_000 },
    fanout: { clients: 200, senders: 10, perSenderPerSecond: 100, durationMs: 10_000, drainMaxMs: 60_000 },
    light: { clients: 50, senders: 10, perSenderPerSecond: 1, durationMs: 30_000 },
    sweep: { sizes: [10, 100, 500, 1000], messagesPerSecond: 20, durationMs: 10_000 },
    persist: { window: 32, durationMs: 10_000 },
    upload: { clients: 20, rounds: 10, bytes: 1024 * 1024 },
  },
};

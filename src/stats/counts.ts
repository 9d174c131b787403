/**
 * The counters rooms and inboxes keep, in one shape shared by the objects that
 * count, the stats object that adds them up, and the endpoints that show them.
 * Every field is cumulative (a count since some start), so two snapshots of
 * the same source can be subtracted: that is how the stats object takes a
 * report exactly once however often it is sent (see ObjectCounters).
 */

/** Stored message kinds, as in `roomcast_messages_total{kind}`. */
export type MessageKind = "room" | "private" | "file";

/** Upper bounds (ms) of the ack-latency histogram's buckets; one more bucket holds the rest. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** What one source (a room or an inbox object) has counted. */
export interface Counts {
  /** Connections closed, by close code (as a string, the label's form). */
  closed: Record<string, number>;
  messages: Record<MessageKind, number>;
  /** Stored messages delivered to sockets (one per socket a message was sent to). */
  deliveries: number;
  /** `error` frames sent to clients, by code. */
  errors: Record<string, number>;
  /** Messages that matched `CONTENT_POLICY`, by what was done (`flag` or `reject`). */
  policy: Record<string, number>;
  /**
   * Server-side failures that are not a frame or a close, by kind (`webhook`: a
   * delivery attempt that failed). Error frames `internal` and closes 1011 are
   * failures too; they are counted under `errors` and `closed`.
   */
  failures: Record<string, number>;
  /** Ack latency: counts per bucket of {@link LATENCY_BUCKETS_MS}, the last one above them all. */
  latency: number[];
  /** Sum of the timed acks' latencies, ms. */
  latencySumMs: number;
}

/** All zero. */
export function emptyCounts(): Counts {
  return {
    closed: {},
    messages: { room: 0, private: 0, file: 0 },
    deliveries: 0,
    errors: {},
    policy: {},
    failures: {},
    latency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    latencySumMs: 0,
  };
}

/** Adds `n` to `map[key]`. */
export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** The bucket index of a latency. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

function mapDiff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(a)) {
    const d = v - (b[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

function mapAdd(into: Record<string, number>, add: Record<string, number>): void {
  for (const [k, v] of Object.entries(add)) bump(into, k, v);
}

/**
 * `a − b`, field by field, never below zero (a field that went down is a
 * source that lost state: nothing new to add).
 */
export function diffCounts(a: Counts, b: Counts): Counts {
  return {
    closed: mapDiff(a.closed, b.closed),
    messages: {
      room: Math.max(0, a.messages.room - b.messages.room),
      private: Math.max(0, a.messages.private - b.messages.private),
      file: Math.max(0, a.messages.file - b.messages.file),
    },
    deliveries: Math.max(0, a.deliveries - b.deliveries),
    errors: mapDiff(a.errors, b.errors),
    policy: mapDiff(a.policy, b.policy),
    failures: mapDiff(a.failures, b.failures),
    latency: a.latency.map((n, i) => Math.max(0, n - (b.latency[i] ?? 0))),
    latencySumMs: Math.max(0, a.latencySumMs - b.latencySumMs),
  };
}

/** Adds `add` into `into`. */
export function addCounts(into: Counts, add: Counts): void {
  mapAdd(into.closed, add.closed);
  into.messages.room += add.messages.room;
  into.messages.private += add.messages.private;
  into.messages.file += add.messages.file;
  into.deliveries += add.deliveries;
  mapAdd(into.errors, add.errors);
  mapAdd(into.policy, add.policy);
  mapAdd(into.failures, add.failures);
  add.latency.forEach((n, i) => {
    into.latency[i] = (into.latency[i] ?? 0) + n;
  });
  into.latencySumMs += add.latencySumMs;
}

/** Total of a map's values. */
export function sum(map: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(map)) n += v;
  return n;
}

/** Counts from stored data, filling in what an older shape lacked. */
export function countsFrom(raw: Partial<Counts> | undefined): Counts {
  const base = emptyCounts();
  if (!raw) return base;
  addCounts(base, { ...emptyCounts(), ...raw, messages: { ...base.messages, ...raw.messages } });
  return base;
}

/** Reads counts stored as JSON. */
export function parseCounts(text: string | null | undefined): Counts {
  return countsFrom(text ? (JSON.parse(text) as Partial<Counts>) : undefined);
}

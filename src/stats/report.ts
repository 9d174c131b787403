/**
 * What sources send the stats object: a room's or an inbox's counters, and
 * the worker's refusals. Plain data, so they travel over Durable Object RPC.
 */
import type { Counts } from "./counts";

/** The kinds of object that count. */
export type SourceKind = "room" | "inbox";

/**
 * One source's state: its counters since the start of `epoch` (cumulative, so
 * the stats object adds only what it has not seen yet), and its live
 * connections right now.
 */
export interface SourceReport {
  kind: SourceKind;
  /** The room's name or the inbox's user id. */
  name: string;
  /** Starts at 1; the source moves to the next one once a report is acknowledged. */
  epoch: number;
  counts: Counts;
  /** Open connections (sockets the object has not closed or seen close). */
  active: number;
  /** When the report was made (ms); an older report never overwrites `active`. */
  at: number;
}

/** The stats object's answer: what it now holds of this epoch. */
export interface ReportAck {
  epoch: number;
  counts: Counts;
}

/** HTTP refusals counted by the worker since its last report, by `"status error"`. */
export interface RefusalReport {
  refusals: Record<string, number>;
  at: number;
}

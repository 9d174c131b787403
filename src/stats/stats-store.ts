/**
 * The stats object's SQLite tables. Bounded: one row per source (room or
 * inbox) that reported within 24 hours or still has connections, one row per
 * minute for 24 hours, and one row of running totals. The object's alarm
 * deletes the rest.
 */
import { addCounts, type Counts, countsFrom, emptyCounts, parseCounts } from "./counts";
import type { SourceKind } from "./report";

/** How long the per-minute series (and a quiet source) is kept. */
export const SERIES_MS = 24 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;

/** What the stats object holds of one source. */
export interface SourceRow {
  kind: SourceKind;
  name: string;
  epoch: number;
  counts: Counts;
  active: number;
  lastReport: number;
  /** Everything this source reported since the stats object first heard of it (all epochs). */
  total: Counts;
  /** Connections it opened (derived, as the totals' are). */
  opened: number;
  /** Messages per minute over the last hour: `[minute start, messages]`, oldest first. */
  recent: [number, number][];
}

/** Everything counted since the stats object started. */
export interface Totals {
  counts: Counts;
  opened: number;
  /** HTTP refusals by `"status error"`. */
  refusals: Record<string, number>;
  /** Live connections over all sources (the sum of their last reports). */
  active: number;
}

/** One minute of the series: what happened in it, and the connections at its end. */
export interface MinuteRow {
  minute: number;
  counts: Counts;
  opened: number;
  refusals: number;
  /** Of those refusals, the worker's answers of 500 or more (server failures). */
  failedRequests: number;
  connections: number;
}

function emptyTotals(): Totals {
  return { counts: emptyCounts(), opened: 0, refusals: {}, active: 0 };
}

/** Reads and writes the stats object's tables. */
export class StatsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, epoch INTEGER NOT NULL, counts TEXT NOT NULL, active INTEGER NOT NULL, last_report INTEGER NOT NULL, recent TEXT NOT NULL, total TEXT NOT NULL, opened INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS sources_by_kind ON sources (kind, active);
      CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY CHECK (id = 0), data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS minutes (minute INTEGER PRIMARY KEY, data TEXT NOT NULL)`);
  }

  source(kind: SourceKind, name: string): SourceRow | undefined {
    const row = this.sql
      .exec<{
        epoch: number;
        counts: string;
        active: number;
        last_report: number;
        recent: string;
        total: string;
        opened: number;
      }>(
        "SELECT epoch, counts, active, last_report, recent, total, opened FROM sources WHERE key = ?",
        sourceKey(kind, name),
      )
      .toArray()[0];
    if (!row) return undefined;
    return {
      kind,
      name,
      epoch: row.epoch,
      counts: parseCounts(row.counts),
      active: row.active,
      lastReport: row.last_report,
      total: parseCounts(row.total),
      opened: row.opened,
      recent: JSON.parse(row.recent) as [number, number][],
    };
  }

  putSource(row: SourceRow): void {
    this.sql.exec(
      "INSERT INTO sources (key, kind, name, epoch, counts, active, last_report, recent, total, opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET epoch = excluded.epoch, counts = excluded.counts, active = excluded.active, last_report = excluded.last_report, recent = excluded.recent, total = excluded.total, opened = excluded.opened",
      sourceKey(row.kind, row.name),
      row.kind,
      row.name,
      row.epoch,
      JSON.stringify(row.counts),
      row.active,
      row.lastReport,
      JSON.stringify(row.recent),
      JSON.stringify(row.total),
      row.opened,
    );
  }

  totals(): Totals {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM totals WHERE id = 0").toArray()[0];
    if (!row) return emptyTotals();
    const raw = JSON.parse(row.data) as Partial<Totals>;
    return { ...emptyTotals(), ...raw, counts: countsFrom(raw.counts) };
  }

  putTotals(totals: Totals): void {
    this.sql.exec(
      "INSERT INTO totals (id, data) VALUES (0, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
      JSON.stringify(totals),
    );
  }

  /** Adds to the minute containing `at` (creating it), and sets its connections gauge. */
  addToMinute(
    at: number,
    add: { counts?: Counts; opened?: number; refusals?: number; failedRequests?: number },
    connections: number,
  ): void {
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const row = this.sql
      .exec<{ data: string }>("SELECT data FROM minutes WHERE minute = ?", minute)
      .toArray()[0];
    const data = row
      ? parseMinute(minute, row.data)
      : { minute, counts: emptyCounts(), opened: 0, refusals: 0, failedRequests: 0, connections };
    if (add.counts) addCounts(data.counts, add.counts);
    data.opened += add.opened ?? 0;
    data.refusals += add.refusals ?? 0;
    data.failedRequests += add.failedRequests ?? 0;
    data.connections = connections;
    const { minute: _m, ...stored } = data;
    this.sql.exec(
      "INSERT INTO minutes (minute, data) VALUES (?, ?) ON CONFLICT (minute) DO UPDATE SET data = excluded.data",
      minute,
      JSON.stringify(stored),
    );
  }

  /** Minutes starting at or after `since`, oldest first. */
  minutes(since: number): MinuteRow[] {
    return this.sql
      .exec<{ minute: number; data: string }>(
        "SELECT minute, data FROM minutes WHERE minute >= ? ORDER BY minute",
        since,
      )
      .toArray()
      .map((r) => parseMinute(r.minute, r.data));
  }

  /** Live connections by kind of source. */
  activeByKind(): Record<SourceKind, number> {
    const out: Record<SourceKind, number> = { room: 0, inbox: 0 };
    for (const r of this.sql
      .exec<{ kind: SourceKind; n: number }>("SELECT kind, SUM(active) AS n FROM sources GROUP BY kind")
      .toArray()) {
      out[r.kind] = r.n ?? 0;
    }
    return out;
  }

  /** Rooms with at least one live connection. */
  roomsActive(): number {
    return this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sources WHERE kind = 'room' AND active > 0")
      .one().n;
  }

  /** Rooms with connections now or messages within the hour (candidates for the top list). */
  busyRooms(since: number, limit: number): SourceRow[] {
    return this.sql
      .exec<{ name: string }>(
        "SELECT name FROM sources WHERE kind = 'room' AND (active > 0 OR last_report >= ?) ORDER BY active DESC, last_report DESC LIMIT ?",
        since,
        limit,
      )
      .toArray()
      .map((r) => this.source("room", r.name))
      .filter((r): r is SourceRow => r !== undefined);
  }

  /** Deletes minutes older than the series and sources quiet for as long with no connection. */
  prune(now: number): void {
    this.sql.exec("DELETE FROM minutes WHERE minute < ?", now - SERIES_MS);
    this.sql.exec("DELETE FROM sources WHERE active = 0 AND last_report < ?", now - SERIES_MS);
  }

  /** Whether anything is left for the alarm to prune later. */
  hasRows(): boolean {
    return (
      this.sql
        .exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM minutes) + (SELECT COUNT(*) FROM sources) AS n")
        .one().n > 0
    );
  }
}

function sourceKey(kind: SourceKind, name: string): string {
  return `${kind}:${name}`;
}

function parseMinute(minute: number, text: string): MinuteRow {
  const raw = JSON.parse(text) as Partial<MinuteRow>;
  return {
    minute,
    counts: countsFrom(raw.counts),
    opened: raw.opened ?? 0,
    refusals: raw.refusals ?? 0,
    failedRequests: raw.failedRequests ?? 0,
    connections: raw.connections ?? 0,
  };
}

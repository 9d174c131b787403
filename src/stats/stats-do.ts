/**
 * StatsDO: the one object that adds up what rooms, inboxes and the worker
 * count (see ObjectCounters for how they report), keeps a per-minute series
 * for 24 hours, answers the admin endpoints, and raises alerts (on the cron
 * trigger). It is not a room: it has its own alarm (hourly pruning, webhook
 * retries), and waking it never wakes a room.
 *
 * Each source's report is cumulative within an epoch; this object keeps the
 * largest counts it has seen of that epoch and adds only the difference, so a
 * report that arrives twice, or late, never counts twice. Connections opened
 * are derived: closes + the change in the source's live connections.
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../config";
import type { AdminStats } from "./admin-stats";
import { Alerts } from "./alerts";
import { addCounts, type Counts, diffCounts, emptyCounts, sum } from "./counts";
import { isServerFailureKey } from "./failures";
import type { RefusalReport, ReportAck, SourceKind, SourceReport } from "./report";
import { MINUTE_MS, type SourceRow, StatsStore, type Totals } from "./stats-store";
import { adminStats, alertInputs } from "./stats-view";

/** How often the alarm prunes the series and quiet sources. */
const PRUNE_EVERY_MS = 60 * MINUTE_MS;

/** What `GET /metrics` needs (blocks are counted by the worker, from the guard). */
export interface MetricsSnapshot {
  totals: Totals;
  roomsActive: number;
  /** Alerts firing now. */
  alertsFiring: string[];
}

/** The Durable Object behind the stats. */
export class StatsDO extends DurableObject<Env> {
  readonly #store: StatsStore;
  readonly #alerts: Alerts;
  #totals: Totals | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new StatsStore(ctx.storage.sql);
    const config = readConfig(env);
    this.#alerts = new Alerts(ctx.storage.sql, config, {
      url: config.alertWebhookUrl,
      secret: env.ALERT_WEBHOOK_SECRET ?? "",
      retryMs: config.alertRetryMs,
    });
  }

  /** A room's or an inbox's counters (RPC); answers what it now holds of that epoch. */
  async report(r: SourceReport): Promise<ReportAck> {
    const now = Date.now();
    const row = this.#store.source(r.kind, r.name);
    // A report of an epoch the source has left is a late duplicate: nothing new in it.
    if (row && r.epoch < row.epoch) return { epoch: -1, counts: row.counts };
    const held = row && row.epoch === r.epoch ? row.counts : undefined;
    const delta = held ? diffCounts(r.counts, held) : r.counts;
    const prevActive = row?.active ?? 0;
    const newer = !row || r.at >= row.lastReport;
    const active = newer ? r.active : prevActive;
    const opened = Math.max(0, sum(delta.closed) + active - prevActive);
    const totals = this.#loadTotals();
    addCounts(totals.counts, delta);
    totals.opened += opened;
    totals.active += active - prevActive;
    const messages = delta.messages.room + delta.messages.private + delta.messages.file;
    const next: SourceRow = {
      kind: r.kind,
      name: r.name,
      epoch: r.epoch,
      counts: held ? addedTo(held, delta) : r.counts,
      active,
      lastReport: Math.max(r.at, row?.lastReport ?? 0),
      total: addedTo(row?.total ?? emptyCounts(), delta),
      opened: (row?.opened ?? 0) + opened,
      recent: recentWith(row?.recent ?? [], now, messages),
    };
    this.#store.putSource(next);
    this.#store.putTotals(totals);
    this.#store.addToMinute(now, { counts: delta, opened }, totals.active);
    this.#analytics(r, delta, opened, active);
    await this.#armPrune(now);
    return { epoch: r.epoch, counts: next.counts };
  }

  /** Refusals the worker counted (RPC): `"status error"` → count. */
  async reportRefusals(r: RefusalReport): Promise<void> {
    const now = Date.now();
    const totals = this.#loadTotals();
    let n = 0;
    let failed = 0;
    for (const [key, count] of Object.entries(r.refusals)) {
      totals.refusals[key] = (totals.refusals[key] ?? 0) + count;
      n += count;
      if (isServerFailureKey(key)) failed += count;
    }
    this.#store.putTotals(totals);
    this.#store.addToMinute(now, { refusals: n, failedRequests: failed }, totals.active);
    for (const [key, count] of Object.entries(r.refusals)) {
      this.env.METRICS.writeDataPoint({ indexes: ["refusal"], blobs: ["refusal", key], doubles: [count] });
    }
    await this.#armPrune(now);
  }

  /** What the stats object holds of one room or inbox (RPC; the admin API and tests). */
  source(kind: SourceKind, name: string): SourceRow | undefined {
    return this.#store.source(kind, name);
  }

  /** Totals and gauges for `GET /metrics` (RPC). */
  snapshot(): MetricsSnapshot {
    return {
      totals: this.#loadTotals(),
      roomsActive: this.#store.roomsActive(),
      alertsFiring: this.#alerts.view().firing.map((f) => f.alert),
    };
  }

  /** The body of `GET /v1/admin/stats` (RPC). */
  stats(): AdminStats {
    return adminStats(this.#store, this.#loadTotals(), Date.now(), this.#alerts.view());
  }

  /**
   * The cron trigger's check (RPC from the worker's scheduled handler): reads
   * the alert rules, records and sends what changed, and arms the alarm for
   * any retry.
   */
  async evaluateAlerts(): Promise<void> {
    const now = Date.now();
    this.#alerts.evaluate(alertInputs(this.#store, this.#loadTotals(), now), now);
    await this.#alerts.deliverDue(now);
    await this.#arm(Date.now());
  }

  /** Retries due webhook deliveries; forgets minutes older than 24 hours and sources quiet that long. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#store.prune(now);
    await this.#alerts.deliverDue(now);
    await this.#arm(Date.now(), true);
  }

  #loadTotals(): Totals {
    this.#totals ??= this.#store.totals();
    return this.#totals;
  }

  async #armPrune(now: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + PRUNE_EVERY_MS);
  }

  /**
   * Arms the alarm by the next webhook retry, or the next pruning while
   * anything is stored. `fired`: called from the alarm, whose time has passed.
   */
  async #arm(now: number, fired = false): Promise<void> {
    const due = [this.#alerts.nextDue(), this.#store.hasRows() ? now + PRUNE_EVERY_MS : undefined].filter(
      (t): t is number => t !== undefined,
    );
    if (due.length === 0) return;
    const next = Math.max(Math.min(...due), now);
    const armed = fired ? null : await this.ctx.storage.getAlarm();
    if (armed === null || armed > next) await this.ctx.storage.setAlarm(next);
  }

  /**
   * One Analytics Engine data point per report: the source, and what it added.
   * Locally the binding accepts and drops them; deployed, they can be queried
   * with SQL for longer than the 24 hours kept here.
   */
  #analytics(r: SourceReport, delta: Counts, opened: number, active: number): void {
    this.env.METRICS.writeDataPoint({
      indexes: [`${r.kind}:${r.name}`.slice(0, 96)],
      blobs: [r.kind, r.name],
      doubles: [
        active,
        opened,
        sum(delta.closed),
        delta.messages.room,
        delta.messages.private,
        delta.messages.file,
        delta.deliveries,
        sum(delta.errors),
      ],
    });
  }
}

function addedTo(base: Counts, add: Counts): Counts {
  const out = structuredClone(base);
  addCounts(out, add);
  return out;
}

/** The source's per-minute message counts over the last hour, with `messages` added now. */
function recentWith(recent: [number, number][], now: number, messages: number): [number, number][] {
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const kept = recent.filter(([m]) => m > minute - 60 * MINUTE_MS);
  if (messages === 0) return kept;
  const last = kept[kept.length - 1];
  if (last && last[0] === minute) last[1] += messages;
  else kept.push([minute, messages]);
  return kept;
}

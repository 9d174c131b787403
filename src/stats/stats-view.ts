/**
 * The JSON of `GET /v1/admin/stats` (documented in docs/operations.md), built
 * from the stats object's tables: totals, connection states, rates over 1, 5
 * and 60 minutes, latency percentiles, the busiest rooms and the 24-hour series.
 */
import type { AdminStats, AlertsView, LatencySummary, TopRoom, WindowRates } from "./admin-stats";
import type { AlertInputs } from "./alert-rules";
import { addCounts, type Counts, emptyCounts, sum } from "./counts";
import { splitCounts } from "./failures";
import { quantileMs } from "./quantile";
import { MINUTE_MS, type MinuteRow, SERIES_MS, type StatsStore, type Totals } from "./stats-store";

const LATENCY_WINDOW_MINUTES = 5;
const TOP_ROOMS = 10;

/** What the alert rules are read against at `now`. */
export function alertInputs(store: StatsStore, totals: Totals, now: number): AlertInputs {
  const recent = window(store.minutes(now - LATENCY_WINDOW_MINUTES * MINUTE_MS), now, LATENCY_WINDOW_MINUTES);
  return {
    connections: totals.active,
    errorRate: rates(recent, LATENCY_WINDOW_MINUTES).errorRate,
    p95Ms: quantileMs(recent.counts.latency, 0.95),
  };
}

/** Builds the admin stats from the store at `now`. */
export function adminStats(store: StatsStore, totals: Totals, now: number, alerts: AlertsView): AdminStats {
  const minutes = store.minutes(now - SERIES_MS);
  const states = store.activeByKind();
  const hour = window(minutes, now, 60);
  return {
    now,
    totals: {
      connectionsOpened: totals.opened,
      connectionsClosed: totals.counts.closed,
      messages: totals.counts.messages,
      deliveries: totals.counts.deliveries,
      errors: totals.counts.errors,
      contentPolicy: totals.counts.policy,
      refusals: refusalList(totals.refusals),
      acksTimed: totals.counts.latency.reduce((a, b) => a + b, 0),
    },
    connections: {
      active: states.room + states.inbox,
      rooms: store.roomsActive(),
      states,
      closedLastHour: hour.counts.closed,
    },
    rates: [1, 5, 60].map((m) => rates(window(minutes, now, m), m)),
    latency: latency(window(minutes, now, LATENCY_WINDOW_MINUTES).counts),
    topRooms: topRooms(store, now),
    alerts,
    series: series(minutes),
  };
}

/** `"401 token_missing"` keys as a list, largest first. */
export function refusalList(refusals: Record<string, number>): AdminStats["totals"]["refusals"] {
  return Object.entries(refusals)
    .map(([key, count]) => {
      const [status = "0", error = ""] = key.split(" ");
      return { status: Number(status), error, count };
    })
    .sort((a, b) => b.count - a.count);
}

interface Window {
  counts: Counts;
  opened: number;
  refusals: number;
  failedRequests: number;
}

/** What happened in the last `m` minutes (the current minute included). */
function window(minutes: readonly MinuteRow[], now: number, m: number): Window {
  const since = Math.floor(now / MINUTE_MS) * MINUTE_MS - (m - 1) * MINUTE_MS;
  const out: Window = { counts: emptyCounts(), opened: 0, refusals: 0, failedRequests: 0 };
  for (const row of minutes) {
    if (row.minute < since) continue;
    addCounts(out.counts, row.counts);
    out.opened += row.opened;
    out.refusals += row.refusals;
    out.failedRequests += row.failedRequests;
  }
  return out;
}

function messagesOf(counts: Counts): number {
  return counts.messages.room + counts.messages.private + counts.messages.file;
}

/** Server failures and refusals of a window: objects' counts plus the worker's HTTP answers. */
function outcomes(w: Window): { failures: number; refused: number } {
  const inObjects = splitCounts(w.counts);
  return {
    failures: inObjects.failures + w.failedRequests,
    refused: inObjects.refusals + (w.refusals - w.failedRequests),
  };
}

function rates(w: Window, minutes: number): WindowRates {
  const secs = minutes * 60;
  const errors = sum(w.counts.errors);
  const messages = messagesOf(w.counts);
  const { failures, refused } = outcomes(w);
  const operations = messages + w.opened + failures + refused;
  return {
    minutes,
    messagesPerSec: messages / secs,
    deliveriesPerSec: w.counts.deliveries / secs,
    connectsPerSec: w.opened / secs,
    errorsPerSec: errors / secs,
    refusalsPerSec: w.refusals / secs,
    failuresPerSec: failures / secs,
    errorRate: operations === 0 ? 0 : failures / operations,
    refusalRate: operations === 0 ? 0 : refused / operations,
  };
}

function latency(counts: Counts): LatencySummary {
  return {
    windowMinutes: LATENCY_WINDOW_MINUTES,
    samples: counts.latency.reduce((a, b) => a + b, 0),
    p50: quantileMs(counts.latency, 0.5),
    p95: quantileMs(counts.latency, 0.95),
    p99: quantileMs(counts.latency, 0.99),
  };
}

function topRooms(store: StatsStore, now: number): TopRoom[] {
  const since = now - 60 * MINUTE_MS;
  return store
    .busyRooms(since, TOP_ROOMS * 5)
    .map((row) => ({
      room: row.name,
      connections: row.active,
      messagesLastHour: row.recent.filter(([m]) => m >= since).reduce((a, [, n]) => a + n, 0),
    }))
    .sort((a, b) => b.connections - a.connections || b.messagesLastHour - a.messagesLastHour)
    .slice(0, TOP_ROOMS);
}

function series(minutes: readonly MinuteRow[]): AdminStats["series"] {
  const split = minutes.map(outcomes);
  return {
    stepMs: MINUTE_MS,
    t: minutes.map((m) => m.minute),
    connections: minutes.map((m) => m.connections),
    messages: minutes.map((m) => messagesOf(m.counts)),
    deliveries: minutes.map((m) => m.counts.deliveries),
    errors: minutes.map((m) => sum(m.counts.errors)),
    refusals: minutes.map((m) => m.refusals),
    failures: split.map((o) => o.failures),
    refused: split.map((o) => o.refused),
    connects: minutes.map((m) => m.opened),
    p95: minutes.map((m) => quantileMs(m.counts.latency, 0.95)),
  };
}

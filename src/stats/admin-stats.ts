/**
 * The shape of `GET /v1/admin/stats` (documented in docs/operations.md), on
 * its own so the dashboard's and the tests' code can name it without the
 * stats object's storage types.
 */
import type { MessageKind } from "./counts";

/** Rates over one window. */
export interface WindowRates {
  minutes: number;
  messagesPerSec: number;
  deliveriesPerSec: number;
  connectsPerSec: number;
  /** `error` frames sent (refusals and failures alike). */
  errorsPerSec: number;
  /** The worker's HTTP refusals (4xx and 5xx). */
  refusalsPerSec: number;
  /** Server failures (failures.ts): HTTP 5xx, `error internal`, closes 1011, failed webhook attempts. */
  failuresPerSec: number;
  /**
   * Server failures ÷ operations (connects, messages, failures and refusals); 0
   * with none. What the error-rate alert reads: a refused client cannot raise it.
   */
  errorRate: number;
  /** Refusals (the service doing its job: limits, mutes, bans, bad input, bad tokens) ÷ operations. */
  refusalRate: number;
}

/** Ack latency percentiles (ms) over the last 5 minutes; null without samples. */
export interface LatencySummary {
  windowMinutes: number;
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One of the busiest rooms. */
export interface TopRoom {
  room: string;
  connections: number;
  messagesLastHour: number;
}

/** The body of `GET /v1/admin/stats`. */
export interface AdminStats {
  now: number;
  totals: {
    connectionsOpened: number;
    connectionsClosed: Record<string, number>;
    messages: Record<MessageKind, number>;
    deliveries: number;
    errors: Record<string, number>;
    /** Messages that matched `CONTENT_POLICY`, by action (`flag`, `reject`). */
    contentPolicy: Record<string, number>;
    refusals: { status: number; error: string; count: number }[];
    acksTimed: number;
  };
  connections: {
    active: number;
    rooms: number;
    /** Live connections by state: in rooms, in inboxes. */
    states: { room: number; inbox: number };
    /** Connections closed in the last hour, by close code. */
    closedLastHour: Record<string, number>;
  };
  rates: WindowRates[];
  latency: LatencySummary;
  topRooms: TopRoom[];
  alerts: AlertsView;
  /** Per minute over 24 hours, oldest first, as columns (minutes with no report are absent). */
  series: {
    stepMs: number;
    t: number[];
    connections: number[];
    messages: number[];
    deliveries: number[];
    errors: number[];
    refusals: number[];
    /** Server failures per minute (what the error rate counts). */
    failures: number[];
    /** Refusals per minute: error frames but `internal`, and HTTP 4xx. */
    refused: number[];
    connects: number[];
    p95: (number | null)[];
  };
}

/** Alerts for the dashboard. */
export interface AlertsView {
  /** Rules firing now, since when (ms). */
  firing: { alert: "connections" | "error_rate" | "latency_p95"; since: number }[];
  /** The latest changes, newest first, with how their webhook went. */
  recent: {
    id: string;
    alert: "connections" | "error_rate" | "latency_p95";
    state: "firing" | "resolved";
    at: number;
    message: string;
    delivery: "pending" | "delivered" | "retrying" | "failed" | "not sent";
    attempts: number;
    lastError: string | null;
  }[];
}

/**
 * The Prometheus text exposition format (version 0.0.4) of the stats: one
 * `# HELP` and `# TYPE` per family, `_total` counters, a cumulative
 * `_bucket{le}` / `_sum` / `_count` histogram, label values escaped.
 */
import { LATENCY_BUCKETS_MS } from "./counts";
import type { MetricsSnapshot } from "./stats-do";
import { refusalList } from "./stats-view";

/** The content type Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string | number>;

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function sample(name: string, value: number, labels: Labels = {}): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return `${name}${parts.length > 0 ? `{${parts.join(",")}}` : ""} ${value}`;
}

function family(
  name: string,
  type: "counter" | "gauge" | "histogram",
  help: string,
  samples: string[],
): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

/**
 * Renders the snapshot (and the guard's active blocks) as exposition text.
 * @example new Response(renderPrometheus(snapshot, 2), { headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE } })
 */
export function renderPrometheus(snapshot: MetricsSnapshot, blocksActive: number): string {
  const firing = new Set(snapshot.alertsFiring);
  const { totals } = snapshot;
  const { counts } = totals;
  let cumulative = 0;
  const buckets = LATENCY_BUCKETS_MS.map((le, i) => {
    cumulative += counts.latency[i] ?? 0;
    return sample("roomcast_ack_latency_seconds_bucket", cumulative, { le: String(le / 1000) });
  });
  const acks = counts.latency.reduce((a, b) => a + b, 0);
  const lines = [
    ...family("roomcast_connections_active", "gauge", "Open WebSocket connections (rooms and inboxes).", [
      sample("roomcast_connections_active", totals.active),
    ]),
    ...family("roomcast_connections_opened_total", "counter", "WebSocket connections accepted.", [
      sample("roomcast_connections_opened_total", totals.opened),
    ]),
    ...family(
      "roomcast_connections_closed_total",
      "counter",
      "WebSocket connections closed, by close code.",
      Object.entries(counts.closed).map(([code, n]) =>
        sample("roomcast_connections_closed_total", n, { code }),
      ),
    ),
    ...family("roomcast_rooms_active", "gauge", "Rooms with at least one open connection.", [
      sample("roomcast_rooms_active", snapshot.roomsActive),
    ]),
    ...family(
      "roomcast_messages_total",
      "counter",
      "Messages stored, by kind (room message, private message, file share).",
      (["room", "private", "file"] as const).map((kind) =>
        sample("roomcast_messages_total", counts.messages[kind], { kind }),
      ),
    ),
    ...family("roomcast_deliveries_total", "counter", "Stored messages delivered to sockets.", [
      sample("roomcast_deliveries_total", counts.deliveries),
    ]),
    ...family(
      "roomcast_content_policy_total",
      "counter",
      "Messages that matched CONTENT_POLICY, by action (flag: stored and logged; reject: refused).",
      Object.entries(counts.policy).map(([action, n]) =>
        sample("roomcast_content_policy_total", n, { action }),
      ),
    ),
    ...family(
      "roomcast_errors_total",
      "counter",
      "Error frames sent to clients, by code.",
      Object.entries(counts.errors).map(([code, n]) => sample("roomcast_errors_total", n, { code })),
    ),
    ...family(
      "roomcast_delivery_failures_total",
      "counter",
      'Failed outgoing deliveries (webhook attempts), by kind: server failures beside errors_total{code="internal"}, connections_closed_total{code="1011"} and refusals_total{status=~"5.."}.',
      Object.entries(counts.failures).map(([kind, n]) =>
        sample("roomcast_delivery_failures_total", n, { kind }),
      ),
    ),
    ...family(
      "roomcast_refusals_total",
      "counter",
      "HTTP requests the worker refused, by status and error code.",
      refusalList(totals.refusals).map((r) =>
        sample("roomcast_refusals_total", r.count, { status: r.status, error: r.error }),
      ),
    ),
    ...family(
      "roomcast_ack_latency_seconds",
      "histogram",
      "From a message frame's arrival to its ack leaving the object (the storage commit included).",
      [
        ...buckets,
        sample("roomcast_ack_latency_seconds_bucket", acks, { le: "+Inf" }),
        sample("roomcast_ack_latency_seconds_sum", counts.latencySumMs / 1000),
        sample("roomcast_ack_latency_seconds_count", acks),
      ],
    ),
    ...family("roomcast_blocks_active", "gauge", "IP addresses blocked by the abuse guard now.", [
      sample("roomcast_blocks_active", blocksActive),
    ]),
    ...family(
      "roomcast_alerts_firing",
      "gauge",
      "1 while the alert is firing (checked by the cron trigger).",
      (["connections", "error_rate", "latency_p95"] as const).map((alert) =>
        sample("roomcast_alerts_firing", firing.has(alert) ? 1 : 0, { alert }),
      ),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

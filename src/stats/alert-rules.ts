/**
 * The alert rules, with the seed monitor's thresholds as wrangler vars: open
 * connections above `ALERT_MAX_CONNECTIONS`, an error rate above
 * `ALERT_MAX_ERROR_RATE` and an ack latency p95 above `ALERT_MAX_LATENCY_MS`,
 * the last two over the last 5 minutes.
 */
import type { Config } from "../config";

/** The alerts Roomcast raises. */
export type AlertName = "connections" | "error_rate" | "latency_p95";

/** An alert's state. */
export type AlertState = "firing" | "resolved";

/** One rule read against the current stats. */
export interface AlertReading {
  alert: AlertName;
  value: number;
  threshold: number;
  firing: boolean;
}

/** What the rules are read against. */
export interface AlertInputs {
  connections: number;
  /** Failures ÷ operations over the last 5 minutes. */
  errorRate: number;
  /** Ack latency p95 over the last 5 minutes, ms; null without timed acks. */
  p95Ms: number | null;
}

/** Every rule's reading. */
export function readAlerts(
  inputs: AlertInputs,
  config: Pick<Config, "alertMaxConnections" | "alertMaxErrorRate" | "alertMaxLatencyMs">,
): AlertReading[] {
  return [
    {
      alert: "connections",
      value: inputs.connections,
      threshold: config.alertMaxConnections,
      firing: inputs.connections > config.alertMaxConnections,
    },
    {
      alert: "error_rate",
      value: inputs.errorRate,
      threshold: config.alertMaxErrorRate,
      firing: inputs.errorRate > config.alertMaxErrorRate,
    },
    {
      alert: "latency_p95",
      value: inputs.p95Ms ?? 0,
      threshold: config.alertMaxLatencyMs,
      firing: inputs.p95Ms !== null && inputs.p95Ms > config.alertMaxLatencyMs,
    },
  ];
}

/** A sentence for the webhook and the dashboard. */
export function describeAlert(
  r: Pick<AlertReading, "alert" | "value" | "threshold">,
  state: AlertState,
): string {
  const above = state === "firing" ? "above" : "back under";
  switch (r.alert) {
    case "connections":
      return `${r.value} open connections, ${above} ${r.threshold}`;
    case "error_rate":
      return `error rate ${(r.value * 100).toFixed(2)} % over 5 minutes, ${above} ${(r.threshold * 100).toFixed(2)} %`;
    case "latency_p95":
      return `ack latency p95 ${Math.round(r.value)} ms over 5 minutes, ${above} ${r.threshold} ms`;
  }
}

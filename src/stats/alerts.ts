/**
 * Alerts in the stats object: each cron tick reads the rules against the
 * stats; a rule that changes state becomes an event, recorded, logged, and
 * sent once to the webhook (`alert.firing` / `alert.resolved`, Standard
 * Webhooks payload `{type, timestamp, data}`); failed sends are retried by
 * the stats object's alarm. A rule that stays firing sends nothing more.
 */
import type { Config } from "../config";
import { logEvent } from "../logging/log";
import { newWebhookId } from "../webhooks";
import type { AlertsView } from "./admin-stats";
import { type AlertTarget, deliverAlert } from "./alert-delivery";
import { type AlertInputs, type AlertState, describeAlert, readAlerts } from "./alert-rules";
import { type AlertEvent, AlertStore } from "./alert-store";

/** The alerts of the stats object. */
export class Alerts {
  readonly #store: AlertStore;

  constructor(
    sql: SqlStorage,
    private readonly config: Config,
    private readonly target: AlertTarget,
  ) {
    this.#store = new AlertStore(sql);
  }

  /** Reads the rules; records (and logs) each change of state as an event due now. */
  evaluate(inputs: AlertInputs, now: number): AlertEvent[] {
    const changes: AlertEvent[] = [];
    for (const reading of readAlerts(inputs, this.config)) {
      const state: AlertState = reading.firing ? "firing" : "resolved";
      if (this.#store.state(reading.alert).state === state) continue;
      const message = describeAlert(reading, state);
      const event: AlertEvent = {
        id: newWebhookId(),
        alert: reading.alert,
        state,
        value: reading.value,
        threshold: reading.threshold,
        at: now,
        message,
        body: JSON.stringify({
          type: `alert.${state}`,
          timestamp: new Date(now).toISOString(),
          data: { alert: reading.alert, state, value: reading.value, threshold: reading.threshold, message },
        }),
        attempts: 0,
        nextAt: now,
        deliveredAt: null,
        lastError: null,
      };
      this.#store.change(event);
      logEvent("alert", {
        alert: event.alert,
        state,
        value: event.value,
        threshold: event.threshold,
        id: event.id,
      });
      changes.push(event);
    }
    return changes;
  }

  /** Sends every event due at `now`, in order, recording each outcome. */
  async deliverDue(now: number): Promise<void> {
    for (const event of this.#store.due(now)) {
      const outcome = await deliverAlert(this.target, event, now);
      this.#store.delivery(event.id, outcome);
      if (outcome.lastError !== null) {
        logEvent("alert_delivery_failed", {
          id: event.id,
          attempts: outcome.attempts,
          retryAt: outcome.nextAt,
          error: outcome.lastError,
        });
      }
    }
  }

  /** When the next retry is due, if any. */
  nextDue(): number | undefined {
    return this.#store.nextDue();
  }

  /** What the dashboard shows: the rules firing now and the latest changes with their delivery. */
  view(): AlertsView {
    return {
      firing: this.#store.firing(),
      recent: this.#store.recent(20).map((e) => ({
        id: e.id,
        alert: e.alert,
        state: e.state,
        at: e.at,
        message: e.message,
        delivery:
          e.deliveredAt !== null
            ? "delivered"
            : e.nextAt !== null
              ? e.attempts === 0
                ? "pending"
                : "retrying"
              : e.lastError?.startsWith("ALERT_WEBHOOK_URL")
                ? "not sent"
                : "failed",
        attempts: e.attempts,
        lastError: e.lastError,
      })),
    };
  }
}

/**
 * Sends alert events to `ALERT_WEBHOOK_URL`, signed as every Roomcast webhook
 * is (Standard Webhooks, src/webhooks: the same `webhook-id` on every retry, a
 * fresh timestamp and signature per attempt). A failure is retried with
 * exponential backoff from `ALERT_RETRY_MS`, up to `ALERT_MAX_ATTEMPTS`
 * attempts, by the stats object's alarm.
 */
import { buildWebhookRequest, WebhookSigner, webhookTimestamp } from "../webhooks";
import type { AlertEvent } from "./alert-store";

/** Attempts before an event is given up (the last error stays recorded). */
export const ALERT_MAX_ATTEMPTS = 8;
/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** How long one attempt may take. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** Where and how alerts are sent. */
export interface AlertTarget {
  url: string;
  secret: string;
  retryMs: number;
}

type Outcome = Pick<AlertEvent, "attempts" | "nextAt" | "deliveredAt" | "lastError">;

/** The wait before attempt `attempts + 1`. */
export function backoffMs(retryMs: number, attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, retryMs * 2 ** Math.max(0, attempts - 1));
}

/** Makes one delivery attempt of `event`; returns what to record. */
export async function deliverAlert(target: AlertTarget, event: AlertEvent, now: number): Promise<Outcome> {
  const attempts = event.attempts + 1;
  if (target.url === "") {
    return {
      attempts: event.attempts,
      nextAt: null,
      deliveredAt: null,
      lastError: "ALERT_WEBHOOK_URL is not set",
    };
  }
  let signer: WebhookSigner;
  try {
    signer = new WebhookSigner(target.secret);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      attempts: event.attempts,
      nextAt: null,
      deliveredAt: null,
      lastError: `ALERT_WEBHOOK_SECRET: ${why}`,
    };
  }
  let error: string;
  try {
    const req = await buildWebhookRequest(
      target.url,
      signer,
      { id: event.id, timestamp: webhookTimestamp(now), body: event.body },
      { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) },
    );
    const res = await fetch(req);
    await res.body?.cancel();
    if (res.ok) return { attempts, nextAt: null, deliveredAt: Date.now(), lastError: null };
    error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const giveUp = attempts >= ALERT_MAX_ATTEMPTS;
  return {
    attempts,
    nextAt: giveUp ? null : Date.now() + backoffMs(target.retryMs, attempts),
    deliveredAt: null,
    lastError: error,
  };
}

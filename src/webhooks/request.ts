/**
 * One signed webhook request, as every Roomcast webhook sends it (room events,
 * the pre-publish hook, alerts): a JSON POST with the Standard Webhooks headers.
 */
import type { WebhookSigner } from "./signer";

/** What one webhook message is. */
export interface WebhookMessage {
  /**
   * `webhook-id`: unique per message and the same on every retry of it, so a
   * receiver can drop duplicates (delivery is at least once).
   */
  id: string;
  /** `webhook-timestamp`, seconds since the epoch: when this attempt was signed. */
  timestamp: number;
  /** The JSON body, exactly as signed (a receiver verifies these bytes). */
  body: string;
}

/**
 * A new message id in the spec's usual shape (`msg_` and a random suffix).
 * @example newWebhookId() // "msg_3f0c1a7e9b2d4c6f8a1e0b3d5c7f9a2e"
 */
export function newWebhookId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Seconds since the epoch, as `webhook-timestamp` carries it. */
export function webhookTimestamp(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}

/**
 * The signed POST of `message` to `url`.
 * @example
 * const req = await buildWebhookRequest(url, signer, { id: newWebhookId(), timestamp: webhookTimestamp(), body });
 * await fetch(req);
 */
export async function buildWebhookRequest(
  url: string,
  signer: WebhookSigner,
  message: WebhookMessage,
  init: { signal?: AbortSignal } = {},
): Promise<Request> {
  const signature = await signer.sign(message.id, message.timestamp, message.body);
  return new Request(url, {
    method: "POST",
    body: message.body,
    headers: {
      "content-type": "application/json",
      "webhook-id": message.id,
      "webhook-timestamp": String(message.timestamp),
      "webhook-signature": signature,
    },
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

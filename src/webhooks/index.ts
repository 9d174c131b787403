/**
 * Standard Webhooks (https://www.standardwebhooks.com): secrets, signatures and
 * signed requests, shared by every webhook Roomcast sends.
 */
export { buildWebhookRequest, newWebhookId, type WebhookMessage, webhookTimestamp } from "./request";
export {
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
  parseWebhookSecret,
  SECRET_PREFIX,
  WebhookSecretError,
} from "./secret";
export { WebhookSigner } from "./signer";

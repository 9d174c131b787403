/**
 * Inbox event webhooks (`EVENT_WEBHOOK_URL`): `private_message.created`, sent
 * once per private message, by the sender's inbox, in the turn its copy is
 * stored. Metadata only (who, to whom, when, how long) unless the operator opts
 * in to content with `EVENT_WEBHOOK_PRIVATE_CONTENT="true"`: a private message is
 * between two people, and a receiver that only needs to notify or count should
 * not be handed what they wrote.
 */
import type { EventWebhookConfig } from "../config";
import type { PrivateMessageFrame } from "../protocol/frames";
import { WebhookEvents } from "../webhooks/webhook-events";

/** The webhooks of one inbox. */
export class InboxEvents {
  readonly #events: WebhookEvents;

  /** See {@link WebhookEvents}: `armBy` is the inbox's own `ensureAlarmBy`. */
  constructor(
    ctx: DurableObjectState,
    private readonly webhook: EventWebhookConfig,
    armBy: (due: number) => Promise<void>,
    onFailedAttempt?: () => void,
  ) {
    this.#events = new WebhookEvents(ctx, webhook, armBy, onFailedAttempt);
  }

  /** The owner sent `message` (their inbox's copy; call in the turn it is stored). */
  privateMessageSent(message: PrivateMessageFrame): void {
    const data = {
      id: message.id,
      from: message.from,
      to: message.to,
      timestamp: message.timestamp,
      // UTF-16 code units, as MAX_CONTENT_CHARS counts.
      length: message.content.length,
      ...(this.webhook.privateContent ? { content: message.content } : {}),
    };
    this.#events.add("private_message.created", data, message.timestamp);
  }

  /** The inbox's alarm: the retries that are due (see {@link WebhookEvents.retry}). */
  retry(): Promise<void> {
    return this.#events.retry();
  }
}

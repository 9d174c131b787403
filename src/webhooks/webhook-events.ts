/**
 * An object's event webhooks (`EVENT_WEBHOOK_URL`), shared by rooms and
 * inboxes: each event is written to the object's {@link WebhookOutbox} in the
 * same turn (the same implicit transaction) as the change it reports, then sent
 * while the object is awake anyway (`ctx.waitUntil`, which also keeps it from
 * being evicted while a delivery is in flight). Only failed deliveries need the
 * alarm: it is armed for the next retry, and only while deliveries are pending,
 * so an idle object with nothing pending is never woken by webhooks. The alarm
 * awaits its retries, so a retry cut short by a restart is retried with the
 * alarm itself.
 */
import type { EventWebhookConfig } from "../config";
import { WebhookOutbox } from "./outbox";
import { WebhookSigner } from "./signer";

/** The webhooks of one object. */
export class WebhookEvents {
  readonly #outbox: WebhookOutbox;
  #scheduled = false;

  /**
   * `armBy` makes sure the object's alarm fires by a time (its own
   * `ensureAlarmBy`, so retries share the one alarm with the idle sweep);
   * `onFailedAttempt` counts a failed delivery (monitoring's server failures).
   */
  constructor(
    private readonly ctx: DurableObjectState,
    webhook: EventWebhookConfig,
    private readonly armBy: (due: number) => Promise<void>,
    onFailedAttempt?: () => void,
  ) {
    this.#outbox = new WebhookOutbox(ctx.storage.sql, {
      url: webhook.url,
      signer: new WebhookSigner(webhook.secret),
      timeoutMs: webhook.timeoutMs,
      maxAttempts: webhook.maxAttempts,
      retryBaseMs: webhook.retryBaseMs,
      limit: webhook.queueLimit,
      onFailedAttempt,
    });
    // Rows left by a run a restart cut short: resumed on this wake-up (one
    // indexed read; nothing pending, nothing done).
    if (this.#outbox.nextDue() !== undefined) this.#send();
  }

  /** Records an event of `type` (call in the same turn as the write it reports) and sends it soon. */
  add(type: string, data: object, now: number): void {
    this.#outbox.add(type, data, now);
    this.#send();
  }

  /**
   * The object's alarm: attempts what is due and re-arms for what is left. Awaited
   * by the alarm, so an attempt cut short fails the alarm, which the runtime retries.
   */
  async retry(): Promise<void> {
    await this.#deliverAndArm();
  }

  /**
   * Delivers in the background once the current turn is over (after the write's
   * transaction; several events of one turn go together).
   */
  #send(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.ctx.waitUntil(this.#deliverAndArm());
    });
  }

  /** Attempts what is due; if anything is left pending, makes sure the alarm fires for its retry. */
  async #deliverAndArm(): Promise<void> {
    await this.#outbox.deliver();
    const due = this.#outbox.nextDue();
    if (due !== undefined) await this.armBy(due);
  }
}

/**
 * Room event webhooks (`EVENT_WEBHOOK_URL`): `message.created`,
 * `message.deleted`, `user.joined`, `user.left` and `moderation.action`, written to the room's
 * {@link WebhookOutbox} in the same turn (the same implicit transaction) as the
 * change they report, then sent while the room is awake anyway
 * (`ctx.waitUntil`, which also keeps the object from being evicted while a
 * delivery is in flight). Only failed deliveries need the alarm: it is armed for
 * the next retry, and only while deliveries are pending, so an idle room with
 * nothing pending is never woken by webhooks. The alarm awaits its retries, so
 * a retry cut short by a restart is retried with the alarm itself.
 */
import type { Config } from "../config";
import type { StoredEntry } from "../files/room-files";
import type { MessageDeletedFrame, ModerationFrame, PresenceFrame } from "../protocol/frames";
import { WebhookOutbox } from "../webhooks/outbox";
import { WebhookSigner } from "../webhooks/signer";

/** The event types a receiver may get. */
export type RoomEventType =
  | "message.created"
  | "message.deleted"
  | "user.joined"
  | "user.left"
  | "moderation.action";

/** The webhooks of one room. */
export class RoomEvents {
  readonly #outbox: WebhookOutbox;
  #scheduled = false;

  /**
   * `armBy` makes sure the room's alarm fires by a time (the room's own
   * `ensureAlarmBy`, so retries share the one alarm with the idle sweep).
   */
  constructor(
    private readonly ctx: DurableObjectState,
    webhook: NonNullable<Config["eventWebhook"]>,
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

  /** A message or file share was stored (call in the same turn as the write). */
  messageCreated(entry: StoredEntry, now: number): void {
    this.#add("message.created", { room: entry.room, message: entry }, now);
  }

  /** A message was replaced by its tombstone. */
  messageDeleted(frame: MessageDeletedFrame): void {
    const { type: _type, ...data } = frame;
    this.#add("message.deleted", data, frame.timestamp);
  }

  /** A moderation action (kick, ban, unban, mute, unmute, slow mode), as audited and broadcast. */
  moderation(frame: ModerationFrame): void {
    const { type: _type, cid: _cid, ...data } = frame;
    this.#add("moderation.action", data, frame.timestamp);
  }

  /** A user's first connection arrived, or their last one left (as announced to the room). */
  presence(frame: PresenceFrame): void {
    const { type, ...data } = frame;
    this.#add(type === "user_joined" ? "user.joined" : "user.left", data, frame.timestamp);
  }

  /**
   * The room's alarm: attempts what is due and re-arms for what is left. Awaited
   * by the alarm, so an attempt cut short fails the alarm, which the runtime retries.
   */
  async retry(): Promise<void> {
    await this.#deliverAndArm();
  }

  #add(type: RoomEventType, data: object, now: number): void {
    this.#outbox.add(type, data, now);
    this.#send();
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

/**
 * Room event webhooks (`EVENT_WEBHOOK_URL`): `message.created`,
 * `message.deleted`, `user.joined`, `user.left` and `moderation.action`, each
 * recorded in the turn of the change it reports (the outbox, the sending and the
 * retries are {@link WebhookEvents}, shared with the inbox's events).
 */
import type { EventWebhookConfig } from "../config";
import type { MessageDeletedFrame, ModerationFrame, PresenceFrame } from "../protocol/frames";
import { WebhookEvents } from "../webhooks/webhook-events";
import type { StoredEntry } from "./stored-entry";

/** The event types a room's receiver may get. */
export type RoomEventType =
  | "message.created"
  | "message.deleted"
  | "user.joined"
  | "user.left"
  | "moderation.action";

/** The webhooks of one room. */
export class RoomEvents {
  readonly #events: WebhookEvents;

  /** See {@link WebhookEvents}: `armBy` is the room's own `ensureAlarmBy`. */
  constructor(
    ctx: DurableObjectState,
    webhook: EventWebhookConfig,
    armBy: (due: number) => Promise<void>,
    onFailedAttempt?: () => void,
  ) {
    this.#events = new WebhookEvents(ctx, webhook, armBy, onFailedAttempt);
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

  /** The room's alarm: the retries that are due (see {@link WebhookEvents.retry}). */
  retry(): Promise<void> {
    return this.#events.retry();
  }

  #add(type: RoomEventType, data: object, now: number): void {
    this.#events.add(type, data, now);
  }
}

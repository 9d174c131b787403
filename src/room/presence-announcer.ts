/**
 * Announces arrivals and departures. Small rooms hear each one at once
 * (`user_joined` / `user_left`). Above `PRESENCE_BATCH_ABOVE` sockets, clients
 * that opted in (`?presence=diff`) hear them in one batched `presence_diff` per
 * `PRESENCE_BATCH_MS`, flushed by the room's alarm, so n people joining at once
 * cost O(n) frames for them instead of O(n²). Clients that did not opt in keep
 * the per-event frames of the v1 contract.
 */
import type { Config } from "../config";
import type { PresenceDiffFrame, PresenceFrame } from "../protocol/frames";
import type { ConnectionAttachment } from "./attachment";
import { broadcast, hasOtherConnection, liveConnections, PresenceTag, userTag } from "./connections";
import { PendingPresence } from "./pending-presence";

/** The room's presence announcements. */
export class PresenceAnnouncer {
  readonly #pending: PendingPresence;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly config: Pick<Config, "presenceBatchAbove" | "presenceBatchMs">,
  ) {
    this.#pending = new PendingPresence(ctx.storage.sql);
  }

  /** Tells everyone but `except` that a user arrived or left. */
  announce(type: PresenceFrame["type"], att: ConnectionAttachment, now: number, except: WebSocket): void {
    const frame = { type, room: att.room, user: att.user, timestamp: now } satisfies PresenceFrame;
    if (this.ctx.getWebSockets().length <= this.config.presenceBatchAbove) {
      broadcast(this.ctx.getWebSockets(), frame, except);
      return;
    }
    broadcast(this.ctx.getWebSockets(PresenceTag.Each), frame, except);
    if (this.#pending.note(att.user)) {
      // Not awaited: storage calls are ordered and the output gate waits for them.
      // This may move the idle sweep up to PRESENCE_BATCH_MS later; it is coarse.
      void this.ctx.storage.setAlarm(now + this.config.presenceBatchMs);
    }
  }

  /** Sends the batched changes (called by the alarm), each user with their state right now. */
  flush(now: number): void {
    const changed = this.#pending.take();
    const listeners = liveConnections(this.ctx.getWebSockets(PresenceTag.Diff));
    const room = listeners[0]?.att.room;
    if (changed.length === 0 || room === undefined) return;
    const joined = changed.filter((u) => hasOtherConnection(this.ctx.getWebSockets(userTag(u.id))));
    const left = changed.filter((u) => !joined.includes(u));
    broadcast(
      listeners.map((c) => c.ws),
      { type: "presence_diff", room, joined, left, timestamp: now } satisfies PresenceDiffFrame,
    );
  }
}

/**
 * The room's presence: who is here (a {@link PresenceIndex}) and how arrivals
 * and departures are announced. Small rooms hear each one at once
 * (`user_joined` / `user_left`). Above `PRESENCE_BATCH_ABOVE` connections,
 * clients that opted in (`?presence=diff`) hear them in one batched
 * `presence_diff` per `PRESENCE_BATCH_MS`, flushed by the room's alarm, so n
 * people joining at once cost O(n) frames for them instead of O(n²). Clients
 * that did not opt in keep the per-event frames of the v1 contract.
 */
import type { Config } from "../config";
import { readAttachment } from "../hibernation/attachment";
import { broadcast } from "../hibernation/sockets";
import type { PresenceDiffFrame, PresenceFrame, UserRef } from "../protocol/frames";
import type { ConnectionAttachment } from "./attachment";
import { PendingPresence } from "./pending-presence";
import { PresenceIndex } from "./presence-index";

/**
 * Tags for how a socket hears about presence: one frame per join/leave, or
 * batched `presence_diff` frames (opted in with `?presence=diff`).
 */
export const PresenceTag = { Each: "p:each", Diff: "p:diff" } as const;

/** Presence of one room. */
export class RoomPresence {
  readonly #pending: PendingPresence;
  readonly #index: PresenceIndex;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly config: Pick<Config, "presenceBatchAbove" | "presenceBatchMs">,
  ) {
    this.#pending = new PendingPresence(ctx.storage.sql);
    this.#index = new PresenceIndex(() => ctx.getWebSockets());
  }

  /** Every present user, once each (for the welcome). */
  list(): UserRef[] {
    return this.#index.list();
  }

  /** A connection arrived; announced to everyone but `ws` if it is the user's first. */
  join(ws: WebSocket, att: ConnectionAttachment, now: number): void {
    if (this.#index.add(att.user, att.connId)) this.#announce("user_joined", att, now, ws);
  }

  /** A connection is gone; announced if it was the user's last. */
  leave(ws: WebSocket, att: ConnectionAttachment, now: number): void {
    if (this.#index.remove(att.user.id, att.connId)) this.#announce("user_left", att, now, ws);
  }

  /** Sends the batched changes (called by the alarm), each user with their state right now. */
  flush(now: number): void {
    const changed = this.#pending.take();
    const listeners = this.ctx.getWebSockets(PresenceTag.Diff);
    // Every socket's attachment names the same room: one read is enough.
    const room = listeners[0] ? readAttachment<ConnectionAttachment>(listeners[0])?.room : undefined;
    if (changed.length === 0 || room === undefined) return;
    const joined = changed.filter((u) => this.#index.has(u.id));
    const left = changed.filter((u) => !this.#index.has(u.id));
    broadcast(listeners, {
      type: "presence_diff",
      room,
      joined,
      left,
      timestamp: now,
    } satisfies PresenceDiffFrame);
  }

  #announce(type: PresenceFrame["type"], att: ConnectionAttachment, now: number, except: WebSocket): void {
    const frame = { type, room: att.room, user: att.user, timestamp: now } satisfies PresenceFrame;
    if (this.#index.connections <= this.config.presenceBatchAbove) {
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
}

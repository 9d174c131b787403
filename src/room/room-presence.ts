/**
 * The room's presence: who is here (a {@link PresenceIndex}) and how arrivals
 * and departures are announced. Small rooms hear each one at once
 * (`user_joined` / `user_left`). Above `PRESENCE_BATCH_ABOVE` connections,
 * clients that opted in (`?presence=diff`) hear them in one batched
 * `presence_diff` per `PRESENCE_BATCH_MS`, flushed by the room's alarm, so n
 * people joining at once cost O(n) frames for them instead of O(n²). Clients
 * that did not opt in keep the per-event frames of the v1 contract.
 *
 * A user whose last socket drops uncleanly is not announced gone at once:
 * their departure is held for `PRESENCE_GRACE_MS` (see {@link PresenceGrace})
 * and they still count as present meanwhile.
 */
import type { Config } from "../config";
import { readAttachment } from "../hibernation/attachment";
import { broadcast, liveConnections } from "../hibernation/sockets";
import type { PresenceDiffFrame, PresenceFrame, UserRef } from "../protocol/frames";
import type { ConnectionAttachment } from "./attachment";
import { PendingPresence } from "./pending-presence";
import { PresenceGrace } from "./presence-grace";
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
  readonly #grace: PresenceGrace;

  /** `onAnnounce` hears every `user_joined` / `user_left` as announced (room event webhooks). */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly config: Pick<Config, "presenceBatchAbove" | "presenceBatchMs" | "presenceGraceMs">,
    private readonly onAnnounce?: (frame: PresenceFrame) => void,
  ) {
    this.#pending = new PendingPresence(ctx.storage.sql);
    this.#index = new PresenceIndex(() => ctx.getWebSockets());
    this.#grace = new PresenceGrace(ctx.storage.sql);
  }

  /** Every present user, once each (for the welcome), those within their grace included. */
  list(): UserRef[] {
    const users = this.#index.list();
    for (const user of this.#grace.users()) if (!this.#index.has(user.id)) users.push(user);
    return users;
  }

  /** `JSON.stringify(this.list())`, with the connected users' part cached (see PresenceIndex). */
  listJson(): string {
    const graced = this.#grace.users().filter((user) => !this.#index.has(user.id));
    const connected = this.#index.listJson();
    if (graced.length === 0) return connected;
    const extra = graced.map((user) => JSON.stringify(user)).join(",");
    return connected === "[]" ? `[${extra}]` : `${connected.slice(0, -1)},${extra}]`;
  }

  /** A present user by id (connected or within their grace). */
  find(userId: string): UserRef | undefined {
    return this.list().find((u) => u.id === userId);
  }

  /**
   * A connection arrived; announced to everyone but `ws` if it is the user's
   * first, unless it ends a grace (the others never heard them leave).
   */
  join(ws: WebSocket, att: ConnectionAttachment, now: number): void {
    if (this.#index.add(att.user, att.connId) && !this.#grace.release(att.user.id)) {
      this.#announce("user_joined", att.room, att.user, now, ws);
    }
  }

  /**
   * A connection is gone; if it was the user's last, announced at once after a
   * clean close, else held for the grace. Returns when a held departure is due,
   * so the caller can make sure the alarm fires by then.
   */
  leave(ws: WebSocket, att: ConnectionAttachment, now: number, clean = true): number | undefined {
    if (!this.#index.remove(att.user.id, att.connId)) return undefined;
    if (clean || this.config.presenceGraceMs === 0) {
      this.#announce("user_left", att.room, att.user, now, ws);
      return undefined;
    }
    const due = now + this.config.presenceGraceMs;
    this.#grace.hold(att.user, due);
    return due;
  }

  /** Announces the held departures whose grace is over (called by the alarm). */
  expireGrace(now: number): void {
    for (const user of this.#grace.takeDue(now)) {
      if (this.#index.has(user.id)) continue;
      const room = this.#anyRoomName();
      if (room !== undefined) this.#announce("user_left", room, user, now);
    }
  }

  /** When the next held departure is due, if any. */
  nextGraceDue(): number | undefined {
    return this.#grace.nextDue();
  }

  /** Sends the batched changes (called by the alarm), each user with their state right now. */
  flush(now: number): void {
    const changed = this.#pending.take((since) =>
      liveConnections<ConnectionAttachment>(this.ctx.getWebSockets())
        .filter(({ att }) => (att.connectedAt ?? 0) >= since)
        .map(({ att }) => att.user),
    );
    const listeners = this.ctx.getWebSockets(PresenceTag.Diff);
    // Every socket's attachment names the same room: one read is enough.
    const room = listeners[0] ? readAttachment<ConnectionAttachment>(listeners[0])?.room : undefined;
    if (changed.length === 0 || room === undefined) return;
    const joined = changed.filter((u) => this.#present(u.id));
    const left = changed.filter((u) => !this.#present(u.id));
    broadcast(listeners, {
      type: "presence_diff",
      room,
      joined,
      left,
      timestamp: now,
    } satisfies PresenceDiffFrame);
  }

  /** Connected, or gone within their grace. */
  #present(userId: string): boolean {
    return this.#index.has(userId) || this.#grace.users().some((u) => u.id === userId);
  }

  /** The room's name, from any socket's attachment (they all name it); undefined with no sockets. */
  #anyRoomName(): string | undefined {
    for (const ws of this.ctx.getWebSockets()) {
      const att = readAttachment<ConnectionAttachment>(ws);
      if (att) return att.room;
    }
    return undefined;
  }

  #announce(type: PresenceFrame["type"], room: string, user: UserRef, now: number, except?: WebSocket): void {
    const frame = { type, room, user, timestamp: now } satisfies PresenceFrame;
    this.onAnnounce?.(frame);
    if (this.#index.connections <= this.config.presenceBatchAbove) {
      broadcast(this.ctx.getWebSockets(), frame, except);
      return;
    }
    broadcast(this.ctx.getWebSockets(PresenceTag.Each), frame, except);
    const opened = type === "user_joined" ? this.#pending.join(user, now) : this.#pending.leave(user, now);
    if (opened) {
      // Not awaited: storage calls are ordered and the output gate waits for them.
      // This may move the idle sweep up to PRESENCE_BATCH_MS later; it is coarse.
      void this.ctx.storage.setAlarm(now + this.config.presenceBatchMs);
    }
  }
}

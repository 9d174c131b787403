/**
 * The moderation frames: `kick`, `ban`, `unban`, `mute`, `unmute`,
 * `delete_message` and `slow_mode`. Each action is checked (role, target),
 * stored, kept in the audit log and broadcast as `moderation`; the socket
 * that acted gets its copy with its `cid`, so a client can match the result.
 *
 * Rules the contract leaves open, decided here (docs/protocol.md):
 * - acting on yourself (kick, ban, mute) is `invalid_message`: a moderator who
 *   wants to leave can leave, and a self-ban could not be lifted by the same
 *   token without another moderator;
 * - admins cannot be kicked, banned or muted (`forbidden` when they are
 *   connected; a ban stored for an absent admin never applies to an admin token);
 * - kicking someone who is not connected is `not_found`; banning or muting them
 *   is allowed (a ban ahead of their next visit); lifting what is not in force
 *   is `not_found`.
 */

import { errorFrame } from "../../hibernation/error-frame";
import { broadcast, type Connection, liveConnections, sendFrame } from "../../hibernation/sockets";
import { CloseCode, ErrorCode } from "../../protocol/codes";
import type { MessageDeletedFrame, ModerationFrame, RoomMessageFrame, UserRef } from "../../protocol/frames";
import type { ClientFrameOf } from "../../protocol/schemas";
import type { ConnectionAttachment } from "../attachment";
import type { Handler, RoomContext } from "../room-context";
import type { StoredEntry } from "../stored-entry";
import type { RestrictionKind, Restrictions } from "./restrictions";

type TargetFrame = ClientFrameOf<"kick" | "ban" | "mute">;

/** The user a kick, ban or mute is aimed at, and their live connections here. */
interface Target {
  user: UserRef;
  connections: Connection<ConnectionAttachment>[];
}

/** The moderation frame handlers, keyed by frame type. */
export const moderationHandlers: {
  [T in "kick" | "ban" | "unban" | "mute" | "unmute" | "delete_message" | "slow_mode"]: Handler<T>;
} = {
  kick: (room, ws, att, frame, now) => {
    const target = resolveTarget(room, ws, att, frame);
    if (!target) return;
    if (target.connections.length === 0) {
      refuse(ws, ErrorCode.NotFound, "that user is not connected to this room", frame.cid);
      return;
    }
    act(room, ws, action(att, "kick", now, { target: target.user, ...reasonField(frame.reason) }), frame.cid);
    closeAll(room, target.connections, "kicked");
  },

  ban: (room, ws, att, frame, now) => {
    const target = restrict(room, ws, att, frame, now);
    if (target) closeAll(room, target.connections, "banned");
  },

  unban: (room, ws, att, frame, now) => lift(room, ws, att, frame, now),

  mute: (room, ws, att, frame, now) => {
    restrict(room, ws, att, frame, now);
  },

  unmute: (room, ws, att, frame, now) => lift(room, ws, att, frame, now),

  delete_message: (room, ws, att, frame, now) => {
    const message = room.store.get(frame.seq);
    if (!message || (message.type === "room_message" && message.deleted)) {
      refuse(ws, ErrorCode.NotFound, `no message with seq ${frame.seq} is kept in this room`, frame.cid);
      return;
    }
    const own = message.from.id === att.user.id;
    if (!own && !mayModerate(ws, att, frame.cid)) return;
    room.store.replace(tombstoneOf(message));
    // A shared file lives as long as its message: its object goes too.
    if (message.type === "file_share") room.files.deleted(message.seq);
    const deleted = {
      type: "message_deleted",
      room: att.room,
      seq: message.seq,
      id: message.id,
      by: att.user,
      timestamp: now,
    } satisfies MessageDeletedFrame;
    room.events?.messageDeleted(deleted);
    broadcast(room.sockets(), deleted, ws);
    sendFrame(ws, withCid(deleted, frame.cid));
    // An author removing their own words is not a moderation action; a moderator
    // removing someone else's is, and goes to the audit log.
    if (!own) act(room, ws, action(att, "delete_message", now, { target: message.from, seq: message.seq }));
  },

  slow_mode: (room, ws, att, frame, now) => {
    if (!mayModerate(ws, att, frame.cid)) return;
    room.moderation.slowMode.set(frame.intervalMs);
    act(room, ws, action(att, "slow_mode", now, { intervalMs: frame.intervalMs }), frame.cid);
  },
};

/**
 * Stores a ban or mute of the frame's target and announces it; returns the
 * target, or undefined when the actor may not restrict them (already refused).
 */
function restrict(
  room: RoomContext,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: ClientFrameOf<"ban" | "mute">,
  now: number,
): Target | undefined {
  const target = resolveTarget(room, ws, att, frame);
  if (!target) return undefined;
  const until = frame.durationMs !== undefined ? now + frame.durationMs : null;
  const reason = reasonField(frame.reason);
  restrictionsOf(room, frame.type).set({ user: target.user, until, ...reason, by: att.user, timestamp: now });
  act(room, ws, action(att, frame.type, now, { target: target.user, until, ...reason }), frame.cid);
  return target;
}

/** Lifts a ban or mute (`not_found` when none is in force) and announces it. */
function lift(
  room: RoomContext,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: ClientFrameOf<"unban" | "unmute">,
  now: number,
): void {
  if (!mayModerate(ws, att, frame.cid)) return;
  const kind = frame.type === "unban" ? "ban" : "mute";
  const lifted = restrictionsOf(room, kind).remove(frame.userId, now);
  if (!lifted) {
    const what = kind === "ban" ? "banned from" : "muted in";
    refuse(ws, ErrorCode.NotFound, `that user is not ${what} this room`, frame.cid);
    return;
  }
  act(room, ws, action(att, frame.type, now, { target: lifted.user }), frame.cid);
}

function restrictionsOf(room: RoomContext, kind: RestrictionKind): Restrictions {
  return kind === "ban" ? room.moderation.bans : room.moderation.mutes;
}

function refuse(ws: WebSocket, code: ErrorCode, message: string, ref: string | undefined): void {
  sendFrame(ws, errorFrame(code, message, { ref }));
}

/** Only connections whose token's role covers this room may moderate. */
function mayModerate(ws: WebSocket, att: ConnectionAttachment, cid: string | undefined): boolean {
  if (att.role !== undefined) return true;
  refuse(ws, ErrorCode.Forbidden, "only moderators and admins may do this", cid);
  return false;
}

/**
 * The user a kick, ban or mute is aimed at, with their live connections here;
 * undefined (after refusing) when the actor may not act on them.
 */
function resolveTarget(
  room: RoomContext,
  ws: WebSocket,
  att: ConnectionAttachment,
  frame: TargetFrame,
): Target | undefined {
  if (!mayModerate(ws, att, frame.cid)) return undefined;
  if (frame.userId === att.user.id) {
    refuse(ws, ErrorCode.InvalidMessage, "you cannot kick, ban or mute yourself", frame.cid);
    return undefined;
  }
  const connections = liveConnections<ConnectionAttachment>(room.sockets()).filter(
    (c) => c.att.user.id === frame.userId,
  );
  if (connections.some((c) => c.att.role === "admin")) {
    refuse(ws, ErrorCode.Forbidden, "admins cannot be kicked, banned or muted", frame.cid);
    return undefined;
  }
  const user = connections[0]?.att.user ?? knownUser(room, frame.userId);
  return { user, connections };
}

/** A user who is not connected: their name from a ban, a mute or the presence list, else their id. */
function knownUser(room: RoomContext, userId: string): UserRef {
  const now = Date.now();
  return (
    room.moderation.bans.active(userId, now)?.user ??
    room.moderation.mutes.active(userId, now)?.user ??
    room.presence.find(userId) ?? { id: userId, name: userId }
  );
}

function action(
  att: ConnectionAttachment,
  kind: ModerationFrame["action"],
  now: number,
  fields: Partial<Pick<ModerationFrame, "target" | "reason" | "until" | "seq" | "intervalMs">>,
): ModerationFrame {
  return { type: "moderation", room: att.room, action: kind, ...fields, by: att.user, timestamp: now };
}

/** Audits and broadcasts an action; the acting socket's copy carries its `cid`. */
function act(room: RoomContext, ws: WebSocket, frame: ModerationFrame, cid?: string): void {
  room.moderation.log.record(frame);
  room.events?.moderation(frame);
  broadcast(room.sockets(), frame, ws);
  sendFrame(ws, withCid(frame, cid));
}

/** Closes a kicked or banned user's sockets with 4003 (announced at once: no presence grace). */
function closeAll(room: RoomContext, connections: Connection<ConnectionAttachment>[], reason: string): void {
  for (const { ws, att } of connections) room.depart(ws, att, CloseCode.Kicked, reason);
}

/**
 * What history keeps of a deleted message or file: a `room_message` with the
 * same id, seq, author, timestamp and cid (a retry still gets its ack), empty
 * content and `deleted: true`. The text (or the file's name and link) is
 * overwritten in storage, not hidden.
 */
function tombstoneOf(entry: StoredEntry): RoomMessageFrame {
  const { type: _type, seq, id, room, from, timestamp, cid } = entry;
  return {
    type: "room_message",
    id,
    seq,
    room,
    from,
    content: "",
    timestamp,
    ...(cid !== undefined ? { cid } : {}),
    deleted: true,
  } satisfies RoomMessageFrame;
}

function withCid<F extends ModerationFrame | MessageDeletedFrame>(frame: F, cid: string | undefined): F {
  return cid !== undefined ? { ...frame, cid } : frame;
}

function reasonField(reason: string | undefined): { reason?: string } {
  return reason !== undefined ? { reason } : {};
}

/**
 * What each socket carries through hibernation. When a room wakes up, its
 * memory is empty: everything a connection needs to be handled again lives
 * here, serialized with the socket by the runtime (at most 16 KiB; this stays
 * well under 1 KiB). Room-wide state (seq, history, rate-limit buckets) lives in
 * SQLite instead, because it is shared by all of a user's connections.
 */
import type { UserRef } from "../protocol/frames";

/** The per-socket state of a room connection. */
export interface ConnectionAttachment {
  /** Version of this shape, so a deploy can read attachments written by the last one. */
  v: 1;
  /** The connection id sent as `clientId` in the welcome. */
  connId: string;
  room: string;
  user: UserRef;
  /** Token expiry, seconds since the epoch: past it the socket is closed with 4001. */
  exp: number;
  /** Last frame received (ms); pings answered by the runtime are tracked by it instead. */
  lastActive: number;
  /** Consecutive rate-limit refusals; `RATE_LIMIT_STRIKES` of them close with 4008. */
  strikes: number;
  /** Set once the room has closed this socket and announced the departure. */
  left: boolean;
}

/**
 * The attachment of `ws`, or undefined for a socket that has none (never
 * expected; handled so a bad socket cannot crash the room).
 */
export function readAttachment(ws: WebSocket): ConnectionAttachment | undefined {
  const value = ws.deserializeAttachment() as ConnectionAttachment | null;
  return value?.v === 1 ? value : undefined;
}

/** Stores `att` with `ws` so it survives hibernation. */
export function writeAttachment(ws: WebSocket, att: ConnectionAttachment): void {
  ws.serializeAttachment(att);
}

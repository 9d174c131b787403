/**
 * What each hibernating socket carries. When an object wakes up, its memory is
 * empty: everything a connection needs to be handled again lives here,
 * serialized with the socket by the runtime (at most 16 KiB; this stays well
 * under 1 KiB). Object-wide state (seq, history, rate-limit buckets) lives in
 * SQLite instead, because it is shared by all of a user's connections.
 *
 * Rooms and inboxes extend this with their own fields (a room adds its name).
 */
import type { UserRef } from "../protocol/frames";

/** The per-socket state every hibernating connection has. */
export interface SocketAttachment {
  /** Version of this shape, so a deploy can read attachments written by the last one. */
  v: 1;
  /** The connection id (sent as `clientId` in a room's welcome). */
  connId: string;
  user: UserRef;
  /** Token expiry, seconds since the epoch: past it the socket is closed with 4001. */
  exp: number;
  /** Last frame received (ms); pings answered by the runtime are tracked by it instead. */
  lastActive: number;
  /** When the object accepted the socket (ms; absent in attachments written before it existed). */
  connectedAt?: number;
  /** Consecutive rate-limit refusals; `RATE_LIMIT_STRIKES` of them close with 4008. */
  strikes: number;
  /** Set once the object has closed this socket and done its departure bookkeeping. */
  left: boolean;
  /** The client's IP as the worker saw it (CF-Connecting-IP), for strikes (absent off the edge). */
  ip?: string;
  /** Invalid frames since the last strike for them (see AbuseReports). */
  invalidFrames?: number;
}

/**
 * The attachment of `ws`, or undefined for a socket that has none (never
 * expected; handled so a bad socket cannot crash the object). The caller names
 * the shape its object writes.
 */
export function readAttachment<A extends SocketAttachment = SocketAttachment>(ws: WebSocket): A | undefined {
  const value = ws.deserializeAttachment() as A | null;
  return value?.v === 1 ? value : undefined;
}

/** Stores `att` with `ws` so it survives hibernation. */
export function writeAttachment(ws: WebSocket, att: SocketAttachment): void {
  ws.serializeAttachment(att);
}

/**
 * Builds the `ack` frames rooms and inboxes send, so every stored message is
 * acknowledged in the same shape: the sender's `cid` (when it gave one), then
 * the id, seq and timestamp the message was stored under.
 */
import type { AckFrame } from "../protocol/frames";

/** What an ack carries of a stored entry (and the HTTP answer to a publish). */
export interface AckFields {
  id: string;
  seq: number;
  timestamp: number;
}

/**
 * The `ack` of `stored`, echoing `cid`.
 * @example sendFrame(ws, ackFrame(stored, req.cid))
 */
export function ackFrame(stored: AckFields, cid: string | undefined): AckFrame {
  return {
    type: "ack",
    ...(cid !== undefined ? { cid } : {}),
    id: stored.id,
    seq: stored.seq,
    timestamp: stored.timestamp,
  } satisfies AckFrame;
}

/**
 * Error frames and message deliveries, counted where every frame leaves an
 * object: `sendFrame` and `broadcast` (src/hibernation/sockets.ts). Some forty
 * places in rooms, inboxes, moderation and files send `error` frames; counting
 * at the one place they all pass keeps the hooks out of every handler.
 *
 * The tally is per isolate, not per object: whichever object next saves its
 * counters takes it (see ObjectCounters.settle). The totals are global
 * (`roomcast_errors_total{code}` and `roomcast_deliveries_total` carry no room
 * label), so it does not matter which object takes them, only that each count
 * is taken once.
 */
import type { AnyServerFrame } from "../protocol/frames";
import { bump } from "./counts";

interface Tally {
  errors: Record<string, number>;
  deliveries: number;
  /** Content-policy matches, by action (counted where the policy is applied, not in a frame). */
  policy: Record<string, number>;
}

let tally: Tally = { errors: {}, deliveries: 0, policy: {} };
let dirty = false;
let acks = 0;

/** Frames that carry a stored message: each socket they reach is one delivery. */
const DELIVERED = new Set<string>(["room_message", "file_share", "private_message"]);

/** Counts one frame sent to `sockets` sockets. */
export function tallySent(frame: AnyServerFrame, sockets: number): void {
  if (frame.type === "ack") {
    acks += 1;
  } else if (frame.type === "error") {
    bump(tally.errors, frame.code, sockets);
    dirty = true;
  } else if (DELIVERED.has(frame.type)) {
    tally.deliveries += sockets;
    dirty = true;
  }
}

/** Counts one message that matched `CONTENT_POLICY` (`flag`: stored anyway; `reject`: refused). */
export function tallyPolicy(action: "flag" | "reject"): void {
  bump(tally.policy, action);
  dirty = true;
}

/**
 * How many acks this isolate has sent: an object compares it before and after
 * handling a frame to know whether the frame was acked (and so timed).
 */
export function ackSerial(): number {
  return acks;
}

/** Takes what was tallied since the last call (undefined when nothing was). */
export function takeTally(): Tally | undefined {
  if (!dirty) return undefined;
  const taken = tally;
  tally = { errors: {}, deliveries: 0, policy: {} };
  dirty = false;
  return taken;
}

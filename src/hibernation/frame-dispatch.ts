/**
 * Hands an admitted frame to the object's handler for its type; a handler
 * that throws (or rejects) becomes `error internal` for that frame, never a
 * stack trace and never a silent loss.
 */
import { ErrorCode } from "../protocol/codes";
import { errorFrame } from "./error-frame";
import { cidOf, type TypedFrame } from "./frame-gate";
import { sendFrame } from "./sockets";

/**
 * What an object does with each valid client frame, one function per `type`
 * (but `auth`, which HibernatingObject answers for every kind of socket).
 * A returned promise is awaited; if it (or the call) throws, the client gets
 * `error internal` with the frame's `cid` as `ref`.
 */
export type FrameHandlers<O, A, F extends TypedFrame> = {
  [T in Exclude<F["type"], "auth">]: (
    object: O,
    ws: WebSocket,
    att: A,
    frame: Extract<F, { type: T }>,
    now: number,
  ) => void | Promise<void>;
};

/**
 * Runs `frame`'s handler; returns what is left to await (failures already answered), if anything.
 * @example const pending = dispatchFrame(roomHandlers, room, ws, att, frame, Date.now());
 */
export function dispatchFrame<O, A, F extends TypedFrame>(
  handlers: FrameHandlers<O, A, F>,
  object: O,
  ws: WebSocket,
  att: A,
  frame: F,
  now: number,
): Promise<void> | undefined {
  try {
    const handle = handlers[frame.type as Exclude<F["type"], "auth">] as (
      object: O,
      ws: WebSocket,
      att: A,
      frame: F,
      now: number,
    ) => void | Promise<void>;
    const pending = handle(object, ws, att, frame, now);
    return pending instanceof Promise ? pending.catch((err) => failed(ws, frame, err)) : undefined;
  } catch (err) {
    failed(ws, frame, err);
    return undefined;
  }
}

/**
 * Nothing was stored (a log append is one transaction); the ref lets the client
 * fail the right send instead of waiting for an ack that never comes.
 */
function failed(ws: WebSocket, frame: TypedFrame, err: unknown): void {
  console.error(`${frame.type} frame failed: ${err instanceof Error ? err.message : String(err)}`);
  sendFrame(ws, errorFrame(ErrorCode.Internal, "internal error", { ref: cidOf(frame) }));
}

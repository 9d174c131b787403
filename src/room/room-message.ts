/**
 * The room's one message path, whichever road a message comes by: a socket's
 * `room_message` frame (frame-handlers.ts, after the frame gate's rate limit
 * and parse) or a service's `POST /v1/rooms/:room/messages` (service-publish.ts,
 * after its own rate limit). {@link submitMessage} reads top to bottom:
 *
 * 1. {@link check}: what needs no write: the content policy, mute and slow
 *    mode (users only), and a `cid` retry where one of those would refuse it or
 *    a hook is about to be asked;
 * 2. the pre-publish hook, if one is configured: the path's one suspension
 *    point (without a hook, nothing here awaits);
 * 3. {@link store}: the next seq in the log, the sender's ack, then the
 *    fan-out to every socket (the sender's own copy after its ack); or, when
 *    the insert finds the author's `cid` already kept (a retry), only the
 *    original's ack.
 *
 * So a published message is checked, stored, de-duplicated and delivered
 * exactly as a typed one is. Docs: docs/architecture.md, "The message path".
 */
import { type AckFields, ackFrame } from "../hibernation/ack-frame";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import type { RoomMessageFrame, UserRef } from "../protocol/frames";
import type { Refusal } from "../protocol/refusal";
import type { ConnectionAttachment } from "./attachment";
import type { RoomContext } from "./room-context";

/** Who posts: a room connection, or a backend with a service token. */
export type MessageAuthor =
  | { kind: "socket"; att: ConnectionAttachment }
  /** `service` is the token's identity (the key of its retries); `from` is the author shown. */
  | { kind: "service"; service: UserRef; from: UserRef };

/** What was asked: the frame's or the body's content and `cid`. */
export interface MessageRequest {
  room: string;
  content: string;
  cid?: string | undefined;
}

/** What came of it. */
export type MessageOutcome =
  | { kind: "stored"; message: AckFields }
  /** The `cid` names a message that is still kept: its original result, nothing stored or sent. */
  | { kind: "retry"; message: AckFields }
  /** Answered at the edge: an `error` frame with the `cid` as `ref`, or an HTTP refusal. */
  | { kind: "refused"; refusal: Refusal };

/**
 * Checks, stores and delivers one message; `ackTo` (the sending socket) gets
 * the ack, or a retry's original ack. A value when no hook is configured (the
 * whole path runs in this event turn, so seqs go out in arrival order); a
 * promise otherwise, settled once the hook's verdict is applied.
 */
export function submitMessage(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo?: WebSocket,
): MessageOutcome | Promise<MessageOutcome> {
  const hook = room.publishHook;
  const early = check(room, author, req, now, ackTo, hook !== undefined);
  if (early) return early;
  if (!hook) return store(room, author, req, now, ackTo);

  // ── The suspension point. ── The hook is asked; the input gate opens and other
  // frames run meanwhile. Verdicts are applied in arrival order (PublishHook.inOrder);
  // a refused or retried message never reached the hook.
  const verdict = hook.ask({ room: req.room, from: fromOf(author), content: req.content, cid: req.cid }, now);
  return hook.inOrder(verdict, (decided): MessageOutcome => {
    if (decided.kind === "reject") {
      return { kind: "refused", refusal: { code: ErrorCode.Forbidden, message: decided.reason } };
    }
    // Checked again, with the (possibly rewritten) content and the clock now:
    // another frame may have stored this cid, or muted or slowed the sender.
    const asDecided = { ...req, content: decided.content };
    const later = Date.now();
    return (
      check(room, author, asDecided, later, ackTo, false) ?? store(room, author, asDecided, later, ackTo)
    );
  });
}

/**
 * Step 1, the checks that need no write: the content policy, then mute and
 * slow mode, answered from memory (see RoomModeration; a service is a trusted
 * backend, above both, like an admin). Undefined when the message may be
 * stored.
 *
 * A retry of a message that is still kept gets its original ack (sent to
 * `ackTo`) and is neither stored nor broadcast again. The insert itself
 * detects it (step 3, MessageLog.append), so it is looked up here only first
 * thing when `lookUp` (before the hook: a retry never reaches it), or before a
 * mute or slow mode refuses it (a muted or slowed sender's retry of an
 * accepted message is still acked).
 */
function check(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo: WebSocket | undefined,
  lookUp: boolean,
): Exclude<MessageOutcome, { kind: "stored" }> | undefined {
  const subject = author.kind === "socket" ? author.att : { user: author.service };
  if (!room.abuse.admitsContent(subject, req.content, req.room)) {
    return { kind: "refused", refusal: { code: ErrorCode.InvalidMessage, message: "content policy" } };
  }
  const retry = lookUp ? retryOf(room, author, req, ackTo) : undefined;
  if (retry) return retry;
  const refusal = author.kind === "socket" ? room.moderation.postingRefusal(author.att, now) : undefined;
  if (!refusal) return undefined;
  return (lookUp ? undefined : retryOf(room, author, req, ackTo)) ?? { kind: "refused", refusal };
}

/** The retry outcome (its original ack sent to `ackTo`) when the author's `cid` names a kept message. */
function retryOf(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  ackTo: WebSocket | undefined,
): { kind: "retry"; message: AckFields } | undefined {
  const kept = req.cid !== undefined ? room.store.findByCid(senderId(author), req.cid) : undefined;
  if (!kept) return undefined;
  if (ackTo) sendFrame(ackTo, ackFrame(kept, req.cid));
  return { kind: "retry", message: kept };
}

/**
 * Step 3: stores the message under the next seq, acks it to `ackTo`, then
 * sends it to every socket (a retry: only the original's ack). Synchronous
 * from the append to the broadcast, so no other event runs in between and seqs
 * go out in order.
 */
function store(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo: WebSocket | undefined,
): MessageOutcome {
  const from = fromOf(author);
  const appended = room.append({ userId: senderId(author), cid: req.cid }, now, (seq, timestamp) => ({
    type: "room_message",
    id: crypto.randomUUID(),
    seq,
    timestamp,
    room: req.room,
    from,
    content: req.content,
    ...(req.cid !== undefined ? { cid: req.cid } : {}),
  }));
  if (appended.kind === "kept") {
    // A retry: the insert found the author's cid kept and stored nothing.
    if (ackTo) sendFrame(ackTo, ackFrame(appended.frame, req.cid));
    return { kind: "retry", message: appended.frame };
  }
  const stored = appended.frame;
  if (author.kind === "socket") room.moderation.slowMode.sent(author.att.user.id, stored.timestamp);
  if (ackTo) sendFrame(ackTo, ackFrame(stored, req.cid));
  broadcast(room.sockets(), stored satisfies RoomMessageFrame);
  return { kind: "stored", message: stored };
}

/** The id retries are keyed by: the token's `sub`. */
function senderId(author: MessageAuthor): string {
  return author.kind === "socket" ? author.att.user.id : author.service.id;
}

/** The author shown. */
function fromOf(author: MessageAuthor): UserRef {
  return author.kind === "socket" ? author.att.user : author.from;
}

/**
 * Runs `then` on an outcome of {@link submitMessage}: at once when it is a value
 * (no hook: the message path stays synchronous), else once the hook's verdict
 * was applied.
 * @example return afterOutcome(submitMessage(room, author, req, now, ws), (o) => report(o));
 */
export function afterOutcome<T, R>(outcome: T | Promise<T>, then: (settled: T) => R): R | Promise<R> {
  return outcome instanceof Promise ? outcome.then(then) : then(outcome);
}

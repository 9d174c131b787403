/**
 * The room's one message path, whichever road a message comes by: a socket's
 * `room_message` frame or a service's `POST /v1/rooms/:room/messages`. Both are
 * checked (content policy, a `cid` retry, mute and slow mode for users), stored
 * under the next seq, acked and broadcast here, so a published message is
 * stored, de-duplicated and delivered exactly as a typed one is.
 *
 * With a pre-publish hook configured ({@link submitMessage}), the hook is asked
 * between the checks and the store; without one, nothing here awaits.
 */
import { type AckFields, ackFrame } from "../hibernation/ack-frame";
import { errorFrame } from "../hibernation/error-frame";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import type { ErrorFrame, RoomMessageFrame, UserRef } from "../protocol/frames";
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
  | { kind: "refused"; error: ErrorFrame };

/** The id retries are keyed by: the token's `sub`. */
function senderId(author: MessageAuthor): string {
  return author.kind === "socket" ? author.att.user.id : author.service.id;
}

/**
 * Refusals that need no storage write (the content policy, mute, slow mode),
 * or the kept message a retried `cid` names, or undefined when it may be stored.
 */
export function admitMessage(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
): Exclude<MessageOutcome, { kind: "stored" }> | undefined {
  const subject = author.kind === "socket" ? author.att : { user: author.service };
  if (!room.abuse.admitsContent(subject, req.content, req.room)) {
    return {
      kind: "refused",
      error: errorFrame(ErrorCode.InvalidMessage, "content policy", { ref: req.cid }),
    };
  }
  // A retry of a message that is still kept gets its original ack, and is
  // neither stored nor broadcast again.
  const kept = req.cid !== undefined ? room.store.findByCid(senderId(author), req.cid) : undefined;
  if (kept) return { kind: "retry", message: kept };
  // Mute and slow mode, answered from memory (see RoomModeration). A service
  // is a trusted backend, above both, like an admin.
  const refusal =
    author.kind === "socket" ? room.moderation.messageRefusal(author.att, now, req.cid) : undefined;
  return refusal ? { kind: "refused", error: refusal } : undefined;
}

/**
 * Checks, stores and delivers one message: `ackTo` (the sending socket) gets its
 * ack before its own copy of the broadcast. Synchronous from check to broadcast,
 * so no other event runs in between and seqs go out in order.
 */
export function postMessage(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo?: WebSocket,
): MessageOutcome {
  const early = answerEarly(room, author, req, now, ackTo);
  if (early) return early;
  const from = author.kind === "socket" ? author.att.user : author.from;
  const stored = room.append({ userId: senderId(author), cid: req.cid }, now, (seq, timestamp) => ({
    type: "room_message",
    id: crypto.randomUUID(),
    seq,
    timestamp,
    room: req.room,
    from,
    content: req.content,
    ...(req.cid !== undefined ? { cid: req.cid } : {}),
  }));
  if (author.kind === "socket") room.moderation.slowMode.sent(author.att.user.id, stored.timestamp);
  if (ackTo) sendFrame(ackTo, ackFrame(stored, req.cid));
  broadcast(room.sockets(), stored satisfies RoomMessageFrame);
  return { kind: "stored", message: stored };
}

/** {@link admitMessage}, with a retry's original ack sent to `ackTo`: the outcome, unless the message may be stored. */
function answerEarly(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo: WebSocket | undefined,
): Exclude<MessageOutcome, { kind: "stored" }> | undefined {
  const admitted = admitMessage(room, author, req, now);
  if (admitted?.kind === "retry" && ackTo) sendFrame(ackTo, ackFrame(admitted.message, req.cid));
  return admitted;
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

/**
 * {@link postMessage}, asking the pre-publish hook first when one is configured.
 * Without a hook this is postMessage itself, synchronously (no await is added to
 * the message path). With one, the checks run at once (a refused or retried
 * message never reaches the hook), the hook is asked, and the verdict is applied
 * in arrival order: a rejection is `error forbidden`; otherwise the (possibly
 * rewritten) message goes through postMessage, which checks the retry, mute and
 * slow mode again, since other frames ran while the hook was asked.
 */
export function submitMessage(
  room: RoomContext,
  author: MessageAuthor,
  req: MessageRequest,
  now: number,
  ackTo?: WebSocket,
): MessageOutcome | Promise<MessageOutcome> {
  const hook = room.publishHook;
  if (!hook) return postMessage(room, author, req, now, ackTo);
  const early = answerEarly(room, author, req, now, ackTo);
  if (early) return early;
  const from = author.kind === "socket" ? author.att.user : author.from;
  const verdict = hook.ask({ room: req.room, from, content: req.content, cid: req.cid }, now);
  return hook.inOrder(verdict, (decided): MessageOutcome => {
    if (decided.kind === "reject") {
      return { kind: "refused", error: errorFrame(ErrorCode.Forbidden, decided.reason, { ref: req.cid }) };
    }
    return postMessage(room, author, { ...req, content: decided.content }, Date.now(), ackTo);
  });
}

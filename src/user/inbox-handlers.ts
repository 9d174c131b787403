/**
 * What an inbox does with each valid client frame (after size, schema and rate
 * limit checks). One function per frame type, dispatched by `type`.
 */
import { errorFrame } from "../hibernation/error-frame";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import type { InboxHistoryFrame, ReadMarkedFrame } from "../protocol/frames";
import type { InboxHandlers } from "./inbox-context";
import { privateMessage } from "./private-message";

type Handler<T extends keyof InboxHandlers> = InboxHandlers[T];

/**
 * Marks a conversation read: stored here, told to the owner's other sockets
 * (`read_marked`), and passed to the other user's inbox, which turns it into a
 * `read_receipt` in its own seqs.
 */
const read: Handler<"read"> = async (inbox, ws, att, frame) => {
  if (frame.upTo > inbox.store.seq) {
    sendFrame(
      ws,
      errorFrame(ErrorCode.InvalidMessage, `upTo: beyond your inbox (its latest seq is ${inbox.store.seq})`),
    );
    return;
  }
  const conversation = inbox.conversations.get(frame.with);
  if (!conversation) {
    sendFrame(ws, errorFrame(ErrorCode.NotFound, "with: no conversation with that user"));
    return;
  }
  inbox.conversations.markReadByMe(frame.with, frame.upTo);
  const upTo = Math.max(conversation.readByMe, frame.upTo);
  broadcast(inbox.sockets(), {
    type: "read_marked",
    with: frame.with,
    upTo,
    unread: inbox.store.countAfter(frame.with, frame.with, upTo),
  } satisfies ReadMarkedFrame);
  await inbox.tellRead(frame.with, att.user, upTo);
};

const history: Handler<"history"> = (inbox, ws, _att, frame) => {
  const page = inbox.page(frame, frame.with);
  sendFrame(ws, {
    type: "history",
    ...(frame.with !== undefined ? { with: frame.with } : {}),
    ...page,
    ...(frame.ref !== undefined ? { ref: frame.ref } : {}),
  } satisfies InboxHistoryFrame);
};

/** What an inbox does with each client frame. */
export const inboxHandlers: InboxHandlers = {
  ping: (_inbox, ws) => sendFrame(ws, { type: "pong" }),
  private_message: privateMessage,
  read,
  history,
};

/**
 * What an inbox's frame handlers may read and do: the narrow view of the inbox
 * object that UserDO builds once per wake-up and hands to them. They import
 * this interface, never the object, so imports run one way (user-do.ts →
 * inbox-handlers.ts → inbox-context.ts) and the object's public methods stay
 * its RPC surface.
 */
import type { SocketAttachment } from "../hibernation/attachment";
import type { FrameHandlers } from "../hibernation/frame-dispatch";
import type { MessageLog, MessagePage } from "../hibernation/message-log";
import type { PrivateMessageFrame, UserRef } from "../protocol/frames";
import type { HistoryRequest, InboxClientFrame } from "../protocol/schemas";
import type { Conversations } from "./conversations";
import type { PrivateSender } from "./private-message";

/** The inbox, as its handlers see it. */
export interface InboxContext extends PrivateSender {
  /** The inbox's latest seq and unread counts (messages are stored by {@link PrivateSender.sendPrivate}). */
  readonly store: Pick<MessageLog<PrivateMessageFrame>, "seq" | "countAfter">;
  readonly conversations: Pick<Conversations, "get" | "markReadByMe">;
  /** The inbox's sockets, open or closing (broadcasts skip the closed ones). */
  sockets(): WebSocket[];
  /** A page of the whole inbox, or of the conversation with `peer`. */
  page(req: HistoryRequest, peer?: string): MessagePage<PrivateMessageFrame>;
  /** Tells `peer`'s inbox that `by` (this inbox's owner) read their conversation up to `upTo`. */
  tellRead(peer: string, by: UserRef, upTo: number): Promise<void>;
}

/** What an inbox does with each client frame (`auth` is answered by HibernatingObject). */
export type InboxHandlers = FrameHandlers<InboxContext, SocketAttachment, InboxClientFrame>;

/**
 * The one way a socket's `private_message` goes, whether it arrives on a room
 * socket or an inbox socket: the content policy is applied where the sender's
 * socket is (its IP takes the strike), then the sender's inbox stores the
 * message in both inboxes and answers with the ack or a refusal, which goes
 * back on the socket it came from. So a client with only a room socket can
 * send private messages too.
 */
import type { AbuseReports } from "../guard/abuse-reports";
import type { SocketAttachment } from "../hibernation/attachment";
import { errorFrame } from "../hibernation/error-frame";
import { sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import type { AckFrame, ErrorFrame, UserRef } from "../protocol/frames";
import { type ClientFrameOf, type PrivateMessageRequest, privateRequest } from "../protocol/schemas";

/** The object a `private_message` frame arrives at (a room or an inbox). */
export interface PrivateSender {
  readonly abuse: Pick<AbuseReports, "admitsContent">;
  /** Sends `req` from `from` through `from`'s inbox: its ack, or why it was refused. */
  sendPrivate(from: UserRef, req: PrivateMessageRequest): Promise<AckFrame | ErrorFrame>;
}

/**
 * The `private_message` frame handler of rooms and inboxes.
 * @example const handlers = { private_message: privateMessage, ... };
 */
export async function privateMessage(
  sender: PrivateSender,
  ws: WebSocket,
  att: SocketAttachment,
  frame: ClientFrameOf<"private_message">,
): Promise<void> {
  if (!sender.abuse.admitsContent(att, frame.content, "private")) {
    sendFrame(ws, errorFrame(ErrorCode.InvalidMessage, "content policy", { ref: frame.cid }));
    return;
  }
  sendFrame(ws, await sender.sendPrivate(att.user, privateRequest(frame)));
}

/**
 * What a socket's `private_message` needs of the object it arrives at, room or
 * inbox: the content policy (applied where the sender's socket is, so its IP
 * takes the strike) and a way into the sender's inbox, which stores the message
 * in both inboxes and answers with the ack or a refusal.
 */
import type { AbuseReports } from "../guard/abuse-reports";
import type { AckFrame, ErrorFrame, UserRef } from "../protocol/frames";
import type { PrivateMessageRequest } from "../protocol/schemas";

/** The object a `private_message` frame arrives at. */
export interface PrivateSender {
  readonly abuse: Pick<AbuseReports, "admitsContent">;
  /** Sends `req` from `from` through `from`'s inbox: its ack, or why it was refused. */
  sendPrivate(from: UserRef, req: PrivateMessageRequest): Promise<AckFrame | ErrorFrame>;
}

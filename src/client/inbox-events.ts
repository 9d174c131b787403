/**
 * The events an {@link InboxClient} emits: every inbox frame type has one
 * (with `private_message` delivered as `message`: de-duplicated and in inbox
 * seq order), plus the connection state, resumes, the conversation list and
 * the outbox.
 */
import type {
  AckFrame,
  AuthOkFrame,
  ConversationSummary,
  ErrorFrame,
  InboxHistoryFrame,
  InboxServerFrame,
  InboxWelcomeFrame,
  PongFrame,
  PrivateMessageFrame,
  ReadMarkedFrame,
  ReadReceiptFrame,
} from "../protocol/frames";
import type { ConnectionState } from "./events";
import type { ResumeInfo } from "./message-sequencer";
import type { OutboxEntry } from "./outbox";
import type { UnsentMessage } from "./outbox-sender";

/** Event names and their payloads. */
export interface InboxEvents {
  state: ConnectionState<InboxWelcomeFrame>;
  /** Every frame exactly as received, before any other event. */
  frame: InboxServerFrame;
  welcome: InboxWelcomeFrame;
  /** Private messages (sent and received), each exactly once, in inbox seq order. */
  message: PrivateMessageFrame;
  ack: AckFrame;
  /** The other user read your messages up to `upTo` (a seq of your inbox). */
  read_receipt: ReadReceiptFrame;
  /** You (on any tab) marked a conversation read. */
  read_marked: ReadMarkedFrame;
  history: InboxHistoryFrame;
  error: ErrorFrame;
  pong: PongFrame;
  /** The token was renewed on the open socket; the connection now lasts until `exp`. */
  auth_ok: AuthOkFrame;
  /** After every reconnect that sent `since`; `resumed: false` means messages may be missing. */
  resume: ResumeInfo;
  /** The conversation list changed (a message, a read, a receipt, a welcome). */
  conversations: ConversationSummary[];
  /** The outbox changed (a send, an ack, a retry, a failure). */
  outbox: OutboxEntry[];
  /** A queued message was refused for good (say, too long): tell the user, keep the text. */
  unsent: UnsentMessage;
}

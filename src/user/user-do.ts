/**
 * UserDO: one Durable Object per user id, the single writer of that user's
 * inbox. A private message is stored in both users' inboxes (each with its own
 * seq, one shared id) before the sender's ack. The socket lifecycle
 * (hibernation, attachments, the boundary of every frame, the idle sweep) is
 * the shared {@link HibernatingObject}; this file is the inbox's own job: its
 * welcome, and the calls other objects make to it.
 *
 * Order of the two writes: the recipient's inbox first, then the sender's. A
 * failure between them leaves the message with the recipient only; the
 * client's retry (same `cid`) finds it there, copies it into the sender's
 * inbox, and is acked, so neither inbox ever holds a second copy and the
 * sender's inbox never shows a message the recipient does not have.
 */
import { ackFrame } from "../hibernation/ack-frame";
import type { SocketAttachment } from "../hibernation/attachment";
import { errorFrame } from "../hibernation/error-frame";
import { notFoundResponse, readForwardedUpgrade } from "../hibernation/forwarded-upgrade";
import { HibernatingObject } from "../hibernation/hibernating-object";
import { type Appended, MessageLog } from "../hibernation/message-log";
import { sinceOf, welcomeHistory } from "../hibernation/resume";
import { broadcast, sendFrame } from "../hibernation/sockets";
import { ErrorCode } from "../protocol/codes";
import type {
  AckFrame,
  ConversationPage,
  ConversationSummary,
  ErrorFrame,
  InboxWelcomeFrame,
  PrivateMessageFrame,
  ReadReceiptFrame,
  UserRef,
} from "../protocol/frames";
import {
  type HistoryRequest,
  type InboxClientFrame,
  inboxFrameSchema,
  type PrivateMessageRequest,
} from "../protocol/schemas";
import { Conversations } from "./conversations";
import type { InboxContext } from "./inbox-context";
import { InboxEvents } from "./inbox-events";
import { inboxHandlers } from "./inbox-handlers";

/** A message on its way to the recipient's inbox (no seq yet). */
export type Delivery = Omit<PrivateMessageFrame, "type" | "seq">;

/** What the recipient's inbox answers to {@link UserDO.deliver}. */
export interface Delivered {
  /** The recipient's copy: the original one when the delivery was a retry. */
  message: PrivateMessageFrame;
  recipient: UserRef;
}

const OWNER_KEY = "owner";

/**
 * The Durable Object behind one user's inbox. Its public methods are its RPC
 * surface; its parts are private, and its handlers see them through `handlerContext`.
 */
export class UserDO extends HibernatingObject<SocketAttachment, InboxClientFrame, InboxContext> {
  private readonly store: MessageLog<PrivateMessageFrame>;
  private readonly conversations: Conversations;
  /** `private_message.created` webhooks of messages this user sends; undefined without `EVENT_WEBHOOK_URL`. */
  private readonly events: InboxEvents | undefined;
  /** Sends run one at a time, so the recipient gets them in the order they were sent. */
  #sending: Promise<unknown> = Promise.resolve();
  protected override readonly handlers = inboxHandlers;
  protected override readonly handlerContext: InboxContext;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, inboxFrameSchema, "inbox");
    this.store = new MessageLog(ctx.storage, { limit: this.config.inboxHistoryLimit, threads: true });
    this.conversations = new Conversations(ctx.storage.sql);
    this.events = this.eventWebhooks(InboxEvents);
    this.handlerContext = {
      abuse: this.abuse,
      store: this.store,
      conversations: this.conversations,
      sockets: () => ctx.getWebSockets(),
      page: (req, peer) => this.store.page(req, this.pageSize(), peer),
      // The inbox socket's frame already took its token from this inbox's bucket.
      sendPrivate: (from, req) => this.#send(from, req),
      tellRead: (peer, by, upTo) => this.#inboxOf(peer).readBy(peer, by, upTo),
    };
  }

  /** Accepts an inbox upgrade forwarded (and authenticated) by the worker. */
  override async fetch(req: Request): Promise<Response> {
    const upgrade = readForwardedUpgrade(req);
    if (!upgrade || upgrade.room !== undefined) return notFoundResponse();
    const history = welcomeHistory(this.store, sinceOf(new URL(req.url)), this.config.historyOnJoin);
    const conversations = this.#summaries();
    this.#rememberOwner({ id: upgrade.identity.id, name: upgrade.identity.name });
    return this.acceptSocket(upgrade, {}, [], (ws, att) => {
      sendFrame(ws, {
        type: "inbox_welcome",
        user: att.user,
        seq: this.store.seq,
        ...history,
        conversations,
      } satisfies InboxWelcomeFrame);
    });
  }

  /**
   * A private message from a room socket of this inbox's owner (RPC from the
   * room). It costs a token from the owner's bucket here, so every path a
   * user's private messages take shares one rate limit.
   */
  async sendPrivate(from: UserRef, req: PrivateMessageRequest): Promise<AckFrame | ErrorFrame> {
    const verdict = this.limiter.take(from.id, Date.now());
    if (!verdict.ok) {
      return errorFrame(ErrorCode.RateLimited, "too many private messages; slow down", {
        ref: req.cid,
        retryAfterMs: verdict.retryAfterMs,
      });
    }
    return this.#send(from, req);
  }

  /**
   * Stores a private message from the owner (`from`) in the recipient's inbox,
   * then in this one, delivers it to both users' inbox sockets and returns the
   * ack. A retried `cid` gets the original ack.
   */
  #send(from: UserRef, req: PrivateMessageRequest): Promise<AckFrame | ErrorFrame> {
    if (req.to === from.id) {
      const refusal = errorFrame(ErrorCode.InvalidMessage, "to: you cannot send yourself a private message", {
        ref: req.cid,
      });
      return Promise.resolve(refusal);
    }
    const run = this.#sending.then(() => this.#sendNow(from, req));
    // The next send waits for this one, whether it succeeds or fails.
    this.#sending = run.catch(() => undefined);
    return run;
  }

  /** Stores a message in this (the recipient's) inbox, unless the same `cid` already did (RPC from the sender's inbox). */
  deliver(delivery: Delivery): Delivered {
    const recipient = this.#owner(delivery.to);
    const { from } = delivery;
    // A retried cid stores nothing: the insert finds the original (MessageLog.append).
    const appended = this.#append(delivery, from.id, null, from);
    if (appended.kind === "kept") return { message: appended.frame, recipient };
    // Its deliveries to this inbox's sockets join the append's commit.
    this.counters.settle(Date.now(), true);
    return { message: appended.frame, recipient };
  }

  /**
   * `by` read this inbox's conversation with them up to `upTo`, a seq of *their*
   * inbox (RPC from their inbox): translated into this inbox's seq, stored,
   * and told to the owner's sockets when it is news.
   */
  readBy(owner: string, by: UserRef, upTo: number): void {
    const mine = this.store.latestLinked(by.id, owner, upTo);
    if (mine === 0 || !this.conversations.markReadByThem(by.id, mine)) return;
    broadcast(this.sockets(), {
      type: "read_receipt",
      by,
      upTo: mine,
      timestamp: Date.now(),
    } satisfies ReadReceiptFrame);
  }

  /** A page of one conversation for `GET /v1/inbox/messages` (RPC from the worker). */
  conversation(peer: string, req: HistoryRequest): ConversationPage {
    return { with: peer, ...this.store.page(req, this.pageSize(), peer) };
  }

  /** Another user's inbox. */
  #inboxOf(userId: string): DurableObjectStub<UserDO> {
    return this.env.USER.getByName(userId);
  }

  async #sendNow(from: UserRef, req: PrivateMessageRequest): Promise<AckFrame> {
    // Already in this inbox: the attempt completed, only its ack was lost. Looked
    // up before the RPC (not left to the insert below): a retry must not reach the
    // recipient, whose inbox may have trimmed its copy and would store it again.
    const retried = req.cid !== undefined ? this.store.findByCid(from.id, req.cid) : undefined;
    if (retried) return ackFrame(retried, retried.cid);
    const { message, recipient } = await this.#inboxOf(req.to).deliver({
      id: crypto.randomUUID(),
      from,
      to: req.to,
      content: req.content,
      timestamp: Date.now(),
      ...(req.cid !== undefined ? { cid: req.cid } : {}),
    });
    // The recipient's copy is the truth (on a retry, the original message stands).
    const delivery: Delivery = {
      id: message.id,
      from: message.from,
      to: message.to,
      content: message.content,
      timestamp: message.timestamp,
      ...(message.cid !== undefined ? { cid: message.cid } : {}),
    };
    // The sender's copy reports the message to the webhook, in its own commit.
    const appended = this.#append(delivery, req.to, message.seq, recipient, this.events);
    // Sends run one at a time and the look-up above found none: kept only if storage changed under us.
    if (appended.kind === "kept") return ackFrame(appended.frame, appended.frame.cid);
    const stored = appended.frame;
    // Counted once, with the sender's copy (the recipient's is the same message),
    // in the append's commit.
    this.counters.message("private");
    this.counters.settle(Date.now(), true);
    return ackFrame(stored, stored.cid);
  }

  /**
   * Appends to this inbox's log and conversation in one transaction, then tells
   * the owner's sockets; a `cid` already kept for its author stores and tells nothing.
   */
  #append(
    delivery: Delivery,
    thread: string,
    link: number | null,
    peer: UserRef,
    events?: InboxEvents,
  ): Appended<PrivateMessageFrame, PrivateMessageFrame> {
    const appended = this.store.append(
      { userId: delivery.from.id, cid: delivery.cid, thread, link },
      delivery.timestamp,
      (seq, timestamp) => ({
        type: "private_message",
        id: delivery.id,
        seq,
        from: delivery.from,
        to: delivery.to,
        content: delivery.content,
        timestamp,
        ...(delivery.cid !== undefined ? { cid: delivery.cid } : {}),
      }),
      (seq, frame) => {
        this.conversations.touch(peer, seq);
        // In the append's transaction: the event is stored iff the message is.
        events?.privateMessageSent(frame);
      },
    );
    if (appended.kind === "stored") broadcast(this.sockets(), appended.frame);
    return appended;
  }

  #summaries(): ConversationSummary[] {
    return this.conversations.recent(this.config.inboxConversationsOnJoin).map((c) => ({
      with: c.with,
      lastSeq: c.lastSeq,
      unread: this.store.countAfter(c.with.id, c.with.id, c.readByMe),
      readUpTo: c.readByThem,
    }));
  }

  /** The owner as last seen on an upgrade (their token's name), so others' lists show it. */
  #rememberOwner(user: UserRef): void {
    const known = this.ctx.storage.kv.get<UserRef>(OWNER_KEY);
    if (known?.name !== user.name) this.ctx.storage.kv.put(OWNER_KEY, user);
  }

  #owner(id: string): UserRef {
    return this.ctx.storage.kv.get<UserRef>(OWNER_KEY) ?? { id, name: id };
  }
}

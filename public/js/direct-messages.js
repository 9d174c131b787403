// Direct messages in the demo: one InboxClient for the signed-in user, the
// "Direct messages" list with unread badges, and a conversation view shown in
// place of the room, with "Seen" under your last message the other side read.
// What is typed is never lost: unacknowledged messages are kept in localStorage
// (per user) across reloads, shown as "Sending…" until their ack, and a refusal
// of one is said, with the text kept for a Retry — as the room's composer does.
import { InboxClient } from "../vendor/roomcast-client.js";
import { wireComposer } from "./chat-ui.js";
import { byId, el } from "./dom.js";
import { MessageList } from "./message-list.js";
import { personLabel } from "./people.js";
import { canRetry, describeError } from "./refusals.js";
import { sendTracked } from "./sending.js";
import { tokenProvider, userIdFromToken } from "./session.js";

/** @typedef {{ id: string, name: string }} User */
/** @typedef {import("../vendor/roomcast-client.js").PrivateMessageFrame} PrivateMessage */
/**
 * A message typed before a reload that the server refused for good.
 * @typedef {{ to: string, content: string, createdAt: number, reason: string, final: boolean }} Unsent
 */

export class DirectMessages {
  /** @param {import("./toasts.js").Toasts} toasts */
  constructor(toasts) {
    this.toasts = toasts;
    /** @type {InboxClient | undefined} */
    this.inbox = undefined;
    /** @type {User | undefined} the open conversation's other user */
    this.peer = undefined;
    /**
     * Every message seen, by the other user's id, then by seq.
     * @type {Map<string, Map<number, PrivateMessage>>}
     */
    this.cache = new Map();
    /**
     * Restored messages the server refused, by cid: shown as "Not sent" with a
     * Retry in their conversation (which may not be open when the refusal comes).
     * @type {Map<string, Unsent>}
     */
    this.unsent = new Map();
    this.list = new MessageList({
      list: byId("dm-messages", HTMLOListElement),
      scroller: byId("dm-scroller"),
      empty: byId("dm-empty"),
      announcer: byId("announcer"),
    });
    byId("dm-back").addEventListener("click", () => this.close());
    wireComposer({
      form: byId("dm-composer", HTMLFormElement),
      input: byId("dm-input", HTMLTextAreaElement),
      counter: byId("dm-count"),
      onSend: (content) => this.#send(content),
      onTyping: () => {},
    });
    // As the room's client: queued messages go out as soon as the network is back.
    window.addEventListener("online", () => this.inbox?.reconnectNow());
  }

  /**
   * Connects the signed-in user's inbox.
   * @param {import("./session.js").Session} session
   */
  start(session) {
    this.stop();
    const userId = userIdFromToken(session.token);
    // Set before the welcome: restored messages show (pending) while offline too.
    this.list.me = { id: userId ?? "", name: session.name };
    const inbox = new InboxClient({
      url: location.origin,
      token: tokenProvider(session),
      // Unsent messages survive a reload (sent again with their cid: exactly once). Kept
      // under this user's id, so another user signing in here never sees or sends them.
      ...(userId ? { persistOutbox: { storage: localStorage, user: userId } } : {}),
      // A restarted server is found within a few seconds (the SDK's default cap is 30 s).
      reconnect: { maxDelayMs: 4000 },
    });
    this.inbox = inbox;
    this.#trackRestored(inbox);
    inbox.on("welcome", (w) => {
      this.list.me = w.user;
    });
    inbox.on("message", (m) => this.#received(m));
    inbox.on("conversations", (list) => this.#renderList(list));
    inbox.on("error", (frame) => {
      if (!frame.ref) this.toasts.show(describeError(frame));
    });
    inbox.connect().catch(() => {});
  }

  /** Disconnects (sign-out). */
  stop() {
    this.close();
    this.inbox?.close();
    this.inbox = undefined;
    this.cache.clear();
    this.unsent.clear();
    this.#renderList([]);
  }

  /**
   * Opens the conversation with `user` in place of the room.
   * @param {User} user
   */
  open(user) {
    const inbox = this.inbox;
    if (!inbox) return;
    this.peer = user;
    byId("dm-title").textContent = `Direct messages with ${user.name}`;
    byId("dm").hidden = false;
    document.querySelector("main.conversation")?.setAttribute("hidden", "");
    document.body.classList.remove("sidebar-open");
    this.#render();
    byId("dm-input").focus();
    // The welcome holds the latest messages of every conversation; fetch this one's own page.
    inbox.history({ with: user.id, limit: 50 }).then(
      (page) => {
        for (const m of page.messages) this.#remember(m);
        if (this.peer?.id === user.id) this.#render();
      },
      () => {},
    );
  }

  /** Back to the room. */
  close() {
    this.peer = undefined;
    byId("dm").hidden = true;
    document.querySelector("main.conversation")?.removeAttribute("hidden");
  }

  /**
   * Messages restored from storage (typed before a reload, never acknowledged):
   * the user is told they will be sent; they show as pending in their
   * conversation (see #render) until their ack; a refusal is kept as "Not sent"
   * and said in a toast. Nobody awaits a restored send: the SDK's events tell.
   * @param {InboxClient} inbox
   */
  #trackRestored(inbox) {
    const restored = new Set(inbox.outbox.map((entry) => entry.cid));
    if (restored.size > 0) {
      const what =
        restored.size === 1
          ? "1 direct message you typed earlier"
          : `${restored.size} direct messages you typed earlier`;
      this.toasts.show(`${what} will be sent as soon as you are connected.`, "info");
    }
    inbox.on("ack", (ack) => {
      if (ack.cid && restored.delete(ack.cid)) this.list.acked(ack.cid, ack.seq, ack.timestamp);
    });
    inbox.on("unsent", ({ entry, error }) => {
      // Sends of this page report their own refusals (sendTracked).
      if (!restored.delete(entry.cid) || entry.to === undefined) return;
      const unsent = { to: entry.to, content: entry.content, createdAt: entry.createdAt };
      this.unsent.set(entry.cid, { ...unsent, reason: describeError(error), final: !canRetry(error) });
      if (this.peer?.id === entry.to) this.#render();
      const to = inbox.conversations.find((c) => c.with.id === entry.to)?.with.name;
      this.toasts.show(
        `A direct message you typed earlier${to ? ` to ${to}` : ""} was not sent: ${describeError(error)}`,
      );
    });
  }

  /** @param {string} content */
  #send(content) {
    const inbox = this.inbox;
    const peer = this.peer;
    if (!inbox || !peer) return;
    sendTracked(
      this.list,
      content,
      (cid) => inbox.sendPrivate(peer.id, content, { cid }),
      (err) => this.toasts.show(describeError(err)),
      () => this.peer?.id !== peer.id,
    );
  }

  /**
   * The other user of the conversation `m` belongs to.
   * @param {PrivateMessage} m
   */
  #peerOf(m) {
    return m.from.id === this.inbox?.user?.id ? m.to : m.from.id;
  }

  /** @param {PrivateMessage} m */
  #remember(m) {
    const peer = this.#peerOf(m);
    let byPeer = this.cache.get(peer);
    if (!byPeer) {
      byPeer = new Map();
      this.cache.set(peer, byPeer);
    }
    byPeer.set(m.seq, m);
  }

  /** @param {PrivateMessage} m */
  #received(m) {
    this.#remember(m);
    if (this.peer?.id !== this.#peerOf(m)) return;
    this.list.addDelivered(m, true);
    this.#markRead();
  }

  /**
   * The open conversation from the cache, then what is still on its way to
   * that user (pending, restored or refused), then its read state.
   */
  #render() {
    const peer = this.peer;
    if (!peer) return;
    this.list.reset();
    const messages = [...(this.cache.get(peer.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    for (const m of messages) this.list.addDelivered(m, false);
    // The outbox is the truth of what waits for an ack (its echo may already be delivered above).
    const shown = new Set(messages.map((m) => m.cid));
    for (const entry of this.inbox?.outbox ?? []) {
      if (entry.to === peer.id && !shown.has(entry.cid)) {
        this.list.addPending(entry.cid, entry.content, entry.createdAt);
      }
    }
    for (const [cid, unsent] of this.unsent) {
      if (unsent.to !== peer.id) continue;
      this.list.addPending(cid, unsent.content, unsent.createdAt);
      const retry = () => {
        this.unsent.delete(cid);
        this.#send(unsent.content);
      };
      // A refusal that would only come again gets Dismiss (which forgets it) instead.
      this.list.failed(cid, unsent.reason, unsent.final ? undefined : retry, () => this.unsent.delete(cid));
    }
    this.list.settle();
    this.#markSeen();
    this.#markRead();
  }

  #markRead() {
    const peer = this.peer;
    const conversation = peer && this.inbox?.conversations.find((c) => c.with.id === peer.id);
    if (conversation && conversation.unread > 0) this.inbox?.markRead(peer.id);
  }

  #markSeen() {
    const peer = this.peer;
    const conversation = peer && this.inbox?.conversations.find((c) => c.with.id === peer.id);
    if (conversation) this.list.markSeen(conversation.readUpTo);
  }

  /**
   * The "Direct messages" list: one entry per conversation, with its unread count.
   * @param {readonly import("../vendor/roomcast-client.js").ConversationSummary[]} conversations
   */
  #renderList(conversations) {
    byId("dm-none").hidden = conversations.length > 0;
    byId("dm-list").replaceChildren(
      ...conversations.map((c) => {
        const button = el(
          "button",
          { className: "dm-link", attrs: { type: "button" } },
          ...personLabel(c.with),
        );
        if (c.unread > 0) {
          button.append(
            el("span", {
              className: "badge",
              text: String(c.unread),
              attrs: { "aria-label": `${c.unread} unread` },
            }),
          );
        }
        button.addEventListener("click", () => this.open(c.with));
        return el("li", { className: "person" }, button);
      }),
    );
    this.#markSeen();
  }
}

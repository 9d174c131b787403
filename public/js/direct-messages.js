// Direct messages in the demo: one InboxClient for the signed-in user, the
// "Direct messages" list with unread badges, and a conversation view shown in
// place of the room, with "Seen" under your last message the other side read.
import { InboxClient } from "../vendor/roomcast-client.js";
import { wireComposer } from "./chat-ui.js";
import { byId, el } from "./dom.js";
import { MessageList } from "./message-list.js";
import { personLabel } from "./people.js";
import { sendTracked } from "./sending.js";
import { tokenProvider } from "./session.js";
import { describeError } from "./toasts.js";

/** @typedef {{ id: string, name: string }} User */
/** @typedef {import("../vendor/roomcast-client.js").PrivateMessageFrame} PrivateMessage */

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
  }

  /**
   * Connects the signed-in user's inbox.
   * @param {import("./session.js").Session} session
   */
  start(session) {
    this.stop();
    const inbox = new InboxClient({ url: location.origin, token: tokenProvider(session) });
    this.inbox = inbox;
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

  /** The open conversation from the cache, then its read state. */
  #render() {
    const peer = this.peer;
    if (!peer) return;
    this.list.reset();
    const messages = [...(this.cache.get(peer.id)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    for (const m of messages) this.list.addDelivered(m, false);
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

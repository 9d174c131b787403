// The message list: delivered messages in seq order, then this tab's own
// messages still waiting for their ack (pending), each rendered as text only.
import { avatar, el } from "./dom.js";

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export class MessageList {
  /**
   * @param {{ list: HTMLOListElement, scroller: HTMLElement, empty: HTMLElement, announcer: HTMLElement }} parts
   */
  constructor(parts) {
    this.list = parts.list;
    this.scroller = parts.scroller;
    this.empty = parts.empty;
    this.announcer = parts.announcer;
    /** @type {{ id: string, name: string } | undefined} */
    this.me = undefined;
  }

  /** Empties the list (a new room). */
  reset() {
    this.list.replaceChildren();
    this.empty.hidden = true;
  }

  /** Shows the empty-room hint when there is nothing to show. */
  settle() {
    this.empty.hidden = this.list.childElementCount > 0;
  }

  /**
   * A delivered message (exactly once, in seq order, from the SDK's `message` event).
   * @param {{ id: string, seq: number, from: { id: string, name: string }, content: string, timestamp: number, cid?: string }} m
   * @param {boolean} live  false for history delivered with a welcome
   */
  addDelivered(m, live) {
    const stick = this.#nearBottom();
    const pending = m.cid ? this.#byCid(m.cid) : undefined;
    const li = pending ?? this.#render(m.from, m.content, m.timestamp);
    this.#confirm(li, m.seq, m.timestamp);
    li.dataset.cid = m.cid ?? "";
    // Delivered messages go before this tab's pending ones, which are always last.
    const firstPending = this.list.querySelector(".msg.pending");
    if (!pending || (firstPending && firstPending !== li)) this.list.insertBefore(li, firstPending);
    this.#regroupAround(li);
    this.empty.hidden = true;
    if (live && m.from.id !== this.me?.id) this.#announce(`${m.from.name}: ${m.content}`);
    if (stick || m.from.id === this.me?.id) this.scrollToEnd();
  }

  /** A message this tab just sent, shown at once as pending. */
  addPending(cid, content, now) {
    if (!this.me) return;
    const li = this.#render(this.me, content, now);
    li.classList.add("pending");
    li.dataset.cid = cid;
    this.#setState(li, "Sending…");
    this.list.append(li);
    this.#regroupAround(li);
    this.empty.hidden = true;
    this.scrollToEnd();
  }

  /** The ack for `cid` arrived. */
  acked(cid, seq, timestamp) {
    const li = this.#byCid(cid);
    if (li?.classList.contains("pending")) {
      this.#confirm(li, seq, timestamp);
      const firstPending = this.list.querySelector(".msg.pending");
      if (firstPending) this.list.insertBefore(li, firstPending);
    }
  }

  /** The room refused `cid`: show why, with a retry button. */
  failed(cid, reason, retry) {
    const li = this.#byCid(cid);
    if (!li) return;
    li.classList.remove("pending");
    li.classList.add("failed");
    const button = el("button", { className: "link-button", text: "Retry", attrs: { type: "button" } });
    button.addEventListener("click", () => {
      li.remove();
      retry();
    });
    this.#setState(li, `Not sent: ${reason} `, button);
  }

  /** Older messages (a history page), added above the rest without moving the view. */
  prependOlder(messages) {
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    const first = this.list.firstElementChild;
    for (const m of messages) {
      if (this.list.querySelector(`[data-seq="${m.seq}"]`)) continue;
      const li = this.#render(m.from, m.content, m.timestamp);
      this.#confirm(li, m.seq, m.timestamp);
      this.list.insertBefore(li, first);
      this.#regroupAround(li);
    }
    if (first) this.#regroupAround(first);
    this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.settle();
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  #render(from, content, timestamp) {
    const own = from.id === this.me?.id;
    const time = el("time", {
      text: timeFormat.format(timestamp),
      attrs: { datetime: new Date(timestamp).toISOString(), title: dateFormat.format(timestamp) },
    });
    const meta = el("div", { className: "meta" }, el("span", { className: "author", text: from.name }), time);
    const bubble = el("div", { className: "bubble", text: content, attrs: { dir: "auto" } });
    const body = el("div", { className: "body" }, meta, bubble);
    const li = el("li", { className: own ? "msg own" : "msg" }, avatar(from), body);
    li.dataset.author = from.id;
    li.dataset.ts = String(timestamp);
    return li;
  }

  #confirm(li, seq, timestamp) {
    li.classList.remove("pending", "failed");
    li.dataset.seq = String(seq);
    li.dataset.ts = String(timestamp);
    if (li.classList.contains("own")) this.#setState(li, "Delivered");
  }

  #setState(li, text, ...extra) {
    const body = li.querySelector(".body");
    let state = li.querySelector(".state");
    if (!state) {
      state = el("div", { className: "state" });
      body?.append(state);
    }
    state.replaceChildren(text, ...extra);
  }

  #byCid(cid) {
    for (const li of this.list.children) if (li instanceof HTMLElement && li.dataset.cid === cid) return li;
    return undefined;
  }

  /** Consecutive messages by one author within a few minutes share one header. */
  #regroupAround(li) {
    for (const node of [li, li.nextElementSibling]) {
      if (!(node instanceof HTMLElement)) continue;
      const prev = node.previousElementSibling;
      const same =
        prev instanceof HTMLElement &&
        prev.dataset.author === node.dataset.author &&
        Number(node.dataset.ts) - Number(prev.dataset.ts) < GROUP_WINDOW_MS;
      node.classList.toggle("cont", same);
    }
  }

  #nearBottom() {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
  }

  #announce(text) {
    this.announcer.textContent = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
}

// The message list: delivered messages and shared files in seq order, then this
// tab's own messages and uploads still waiting for their ack (pending). Text is
// rendered as text only; files through file-view.js.
import { refreshDaySeparators } from "./day-separators.js";
import { avatar, el } from "./dom.js";
import { fileView, uploadView } from "./file-view.js";

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** @typedef {import("../vendor/roomcast-client.js").SharedFile} SharedFile */
/** @typedef {{ id: string, name: string }} User */
/**
 * What the list shows: a room message, a shared file or a direct message (the
 * fields those frames share).
 * @typedef {{ id: string, seq: number, from: User, content?: string, file?: SharedFile, timestamp: number, cid?: string, deleted?: true }} Listed
 */

export class MessageList {
  /**
   * @param {{ list: HTMLOListElement, scroller: HTMLElement, empty: HTMLElement, announcer: HTMLElement }} parts
   */
  constructor(parts) {
    this.list = parts.list;
    this.scroller = parts.scroller;
    this.empty = parts.empty;
    this.announcer = parts.announcer;
    /** @type {User | undefined} */
    this.me = undefined;
    /**
     * Set by the page: whether a message may be deleted here (own, or any as a
     * moderator), and what deleting does.
     * @type {(author: string) => boolean}
     */
    this.canDelete = () => false;
    /** @type {(seq: number) => void} */
    this.onDelete = () => {};
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
   * A delivered message or shared file (exactly once, in seq order, from the SDK's
   * `message` and `file` events).
   * @param {Listed} m
   * @param {boolean} live  false for history delivered with a welcome
   * @param {string} [url]  the file's link, for a shared file
   */
  addDelivered(m, live, url) {
    const stick = this.#nearBottom();
    const pending = m.cid ? this.#byCid(m.cid) : undefined;
    const li = pending ?? this.#render(m.from, this.#content(m, url), m.timestamp);
    if (pending && m.file && url) this.#showFile(pending, m.file, url);
    this.#confirm(li, m.seq, m.timestamp);
    li.dataset.cid = m.cid ?? "";
    // Delivered messages go before this tab's pending ones, which are always last.
    const firstPending = this.list.querySelector(".msg.pending");
    if (!pending || (firstPending && firstPending !== li)) this.list.insertBefore(li, firstPending);
    this.#regroupAround(li);
    refreshDaySeparators(this.list);
    this.empty.hidden = true;
    if (m.deleted) this.markDeleted(m.seq);
    if (live && !m.deleted && m.from.id !== this.me?.id) {
      this.#announce(m.file ? `${m.from.name} shared ${m.file.name}` : `${m.from.name}: ${m.content}`);
    }
    if (stick || m.from.id === this.me?.id) this.scrollToEnd();
  }

  /**
   * A message this tab just sent, shown at once as pending.
   * @param {string} cid
   * @param {string} content
   * @param {number} now  when it was typed (ms since the epoch)
   */
  addPending(cid, content, now) {
    this.#appendPending(cid, content, now, "Sending…");
  }

  /**
   * A file this tab is uploading, shown at once with a progress bar.
   * @param {string} cid
   * @param {string} name
   * @param {number} size  bytes
   * @param {number} now
   */
  addPendingFile(cid, name, size, now) {
    this.#appendPending(cid, uploadView(name, size), now, "Uploading…");
  }

  /**
   * Appends this tab's own entry, marked pending until its ack.
   * @param {string} cid
   * @param {string | HTMLElement} content
   * @param {number} now
   * @param {string} state  what the state line says meanwhile
   */
  #appendPending(cid, content, now, state) {
    if (!this.me) return;
    const li = this.#render(this.me, content, now);
    li.classList.add("pending");
    li.dataset.cid = cid;
    this.#setState(li, state);
    this.list.append(li);
    this.#regroupAround(li);
    refreshDaySeparators(this.list);
    this.empty.hidden = true;
    this.scrollToEnd();
  }

  /**
   * Upload progress of `cid`.
   * @param {string} cid
   * @param {number} loaded
   * @param {number} total
   */
  progress(cid, loaded, total) {
    const bar = this.#byCid(cid)?.querySelector("progress");
    if (!bar) return;
    bar.max = Math.max(total, 1);
    bar.value = loaded;
  }

  /**
   * The upload of `cid` was stored (its answer may come before or after the broadcast).
   * @param {string} cid
   * @param {import("../vendor/roomcast-client.js").FileShareFrame} share
   * @param {string} url  the file's absolute link
   */
  fileStored(cid, share, url) {
    const li = this.#byCid(cid);
    if (!li?.classList.contains("pending")) return;
    this.#showFile(li, share.file, url);
    this.acked(cid, share.seq, share.timestamp);
  }

  /**
   * The ack for `cid` arrived.
   * @param {string} cid
   * @param {number} seq
   * @param {number} timestamp
   */
  acked(cid, seq, timestamp) {
    const li = this.#byCid(cid);
    if (li?.classList.contains("pending")) {
      this.#confirm(li, seq, timestamp);
      const firstPending = this.list.querySelector(".msg.pending");
      if (firstPending) this.list.insertBefore(li, firstPending);
    }
  }

  /**
   * The room refused `cid`: show why, with a retry button.
   * @param {string} cid
   * @param {string} reason
   * @param {() => void} retry  sends it again (the failed entry is removed first)
   */
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

  /**
   * Shows message `seq` as deleted (its text is gone from the room too).
   * @param {number} seq
   */
  markDeleted(seq) {
    const li = this.list.querySelector(`[data-seq="${seq}"]`);
    if (!(li instanceof HTMLElement)) return;
    li.classList.add("deleted");
    // A shared file's view goes too: its object is deleted with the message.
    li.querySelector(".bubble, .file")?.replaceWith(
      el("div", { className: "bubble", text: "message deleted" }),
    );
    li.querySelector(".delete")?.remove();
    li.querySelector(".state")?.remove();
  }

  /** Re-checks which messages get a delete button (after the welcome says whether we moderate). */
  refreshDeleteButtons() {
    for (const li of this.list.querySelectorAll(".msg[data-seq]")) {
      if (li instanceof HTMLElement) this.#deleteButton(li);
    }
  }

  /**
   * Marks the newest of my messages with seq up to `upTo` as "Seen" (the other
   * side read it), and the earlier "Seen" one back to "Delivered".
   * @param {number} upTo
   */
  markSeen(upTo) {
    let last;
    for (const li of this.list.querySelectorAll(".msg.own[data-seq]")) {
      if (li instanceof HTMLElement && Number(li.dataset.seq) <= upTo) last = li;
    }
    for (const li of this.list.querySelectorAll(".msg.own.seen")) {
      if (li === last) continue;
      li.classList.remove("seen");
      this.#setState(li, "Delivered");
    }
    if (last) {
      last.classList.add("seen");
      this.#setState(last, "Seen");
    }
    this.#tidyStates();
  }

  /**
   * "Delivered" only under my last delivered message (and "Seen" where it is):
   * one confirmation says everything before it arrived too.
   */
  #tidyStates() {
    const delivered = [...this.list.querySelectorAll(".msg.own[data-seq]:not(.pending):not(.failed)")];
    const last = delivered.at(-1);
    for (const li of delivered) {
      if (li === last || li.classList.contains("seen")) continue;
      li.querySelector(".state")?.remove();
    }
    if (last instanceof HTMLElement && !last.querySelector(".state") && !last.classList.contains("deleted")) {
      this.#setState(last, last.classList.contains("seen") ? "Seen" : "Delivered");
    }
  }

  /**
   * Older messages and files (a history page), added above the rest without moving the view.
   * @param {Listed[]} messages
   * @param {(file: SharedFile) => string} urlOf  a file's absolute link
   */
  prependOlder(messages, urlOf) {
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    const first = this.list.firstElementChild;
    for (const m of messages) {
      if (this.list.querySelector(`[data-seq="${m.seq}"]`)) continue;
      const li = this.#render(m.from, this.#content(m, m.file ? urlOf(m.file) : undefined), m.timestamp);
      this.#confirm(li, m.seq, m.timestamp);
      this.list.insertBefore(li, first);
      this.#regroupAround(li);
      if (m.deleted) this.markDeleted(m.seq);
    }
    if (first) this.#regroupAround(first);
    refreshDaySeparators(this.list);
    this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.settle();
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /**
   * What a message shows: its text, or its file.
   * @param {Listed} m
   * @param {string} [url]
   */
  #content(m, url) {
    return m.file && url ? fileView(m.file, url) : (m.content ?? "");
  }

  /**
   * Replaces an upload's progress view with the stored file (once).
   * @param {HTMLElement} li
   * @param {SharedFile} file
   * @param {string} url
   */
  #showFile(li, file, url) {
    const view = li.querySelector(".file.uploading");
    if (view) view.replaceWith(fileView(file, url));
  }

  /**
   * @param {User} from
   * @param {string | HTMLElement} content  text (rendered as text) or a file view
   * @param {number} timestamp
   */
  #render(from, content, timestamp) {
    const own = from.id === this.me?.id;
    const time = el("time", {
      text: timeFormat.format(timestamp),
      attrs: { datetime: new Date(timestamp).toISOString(), title: dateFormat.format(timestamp) },
    });
    const meta = el("div", { className: "meta" }, el("span", { className: "author", text: from.name }), time);
    const bubble =
      typeof content === "string"
        ? el("div", { className: "bubble", text: content, attrs: { dir: "auto" } })
        : content;
    const body = el("div", { className: "body" }, meta, bubble);
    const li = el("li", { className: own ? "msg own" : "msg" }, avatar(from), body);
    li.dataset.author = from.id;
    li.dataset.ts = String(timestamp);
    return li;
  }

  /**
   * Marks `li` delivered as `seq` (with the room's timestamp).
   * @param {HTMLElement} li
   * @param {number} seq
   * @param {number} timestamp
   */
  #confirm(li, seq, timestamp) {
    li.classList.remove("pending", "failed");
    li.dataset.seq = String(seq);
    li.dataset.ts = String(timestamp);
    if (li.classList.contains("own")) {
      this.#setState(li, "Delivered");
      this.#tidyStates();
    }
    this.#deleteButton(li);
  }

  /**
   * Adds (or removes) the delete button of a delivered message.
   * @param {HTMLElement} li
   */
  #deleteButton(li) {
    const existing = li.querySelector(".delete");
    const allowed = !li.classList.contains("deleted") && this.canDelete(li.dataset.author ?? "");
    if (!allowed) {
      existing?.remove();
      return;
    }
    if (existing) return;
    const author = li.querySelector(".author")?.textContent ?? "";
    const button = el("button", {
      className: "link-button small delete",
      text: "Delete",
      attrs: { type: "button", "aria-label": `Delete message from ${author}` },
    });
    button.addEventListener("click", () => this.onDelete(Number(li.dataset.seq)));
    li.querySelector(".meta")?.append(button);
  }

  /**
   * The line under a message: "Sending…", "Delivered", "Not sent: … Retry".
   * @param {Element} li
   * @param {string} text
   * @param {...Node} extra
   */
  #setState(li, text, ...extra) {
    const body = li.querySelector(".body");
    let state = li.querySelector(".state");
    if (!state) {
      state = el("div", { className: "state" });
      body?.append(state);
    }
    state.replaceChildren(text, ...extra);
  }

  /**
   * This list's entry for `cid`, if shown.
   * @param {string} cid
   */
  #byCid(cid) {
    for (const li of this.list.children) if (li instanceof HTMLElement && li.dataset.cid === cid) return li;
    return undefined;
  }

  /**
   * Consecutive messages by one author within a few minutes share one header.
   * @param {Element} li
   */
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

  /**
   * Reads `text` out to screen readers (the live region).
   * @param {string} text
   */
  #announce(text) {
    this.announcer.textContent = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
}

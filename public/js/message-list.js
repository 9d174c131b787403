// The message list: delivered messages and shared files in seq order, then this
// tab's own messages and uploads still waiting for their ack (pending), grouped
// by author, with day separators, kept scrolled to the end while the reader is
// there. How one message looks is message-view.js's (text as text only; files
// through file-view.js).
import { refreshDaySeparators } from "./day-separators.js";
import { showSeen, tidyDeliveryStates } from "./delivery-states.js";
import { uploadView } from "./file-view.js";
import {
  contentOf,
  messageView,
  regroupAround,
  setMessageState,
  showDeleted,
  showFailed,
  showStoredFile,
  syncDeleteButton,
} from "./message-view.js";

/** @typedef {import("./message-view.js").Listed} Listed */
/** @typedef {import("./message-view.js").SharedFile} SharedFile */
/** @typedef {import("./message-view.js").User} User */

/**
 * One conversation's messages on screen (a room's, or a direct-message
 * conversation's), fed by the SDK's events and this tab's sends.
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
    const li = pending ?? this.#render(m.from, contentOf(m, url), m.timestamp);
    if (pending && m.file && url) showStoredFile(pending, m.file, url);
    this.#confirm(li, m.seq, m.timestamp);
    li.dataset.cid = m.cid ?? "";
    // Delivered messages go before this tab's pending ones, which are always last.
    const firstPending = this.list.querySelector(".msg.pending");
    if (!pending || (firstPending && firstPending !== li)) this.list.insertBefore(li, firstPending);
    regroupAround(li);
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
    setMessageState(li, state);
    this.list.append(li);
    regroupAround(li);
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
    showStoredFile(li, share.file, url);
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
   * The room refused `cid`: show why, with a retry button (a dismiss button when
   * no `retry` is given: a refusal that would only come again).
   * @param {string} cid
   * @param {string} reason
   * @param {(() => void) | undefined} retry  sends it again (the failed entry is removed first)
   * @param {() => void} [dismissed]  after a dismiss
   */
  failed(cid, reason, retry, dismissed) {
    const li = this.#byCid(cid);
    if (!li) return;
    showFailed(li, reason, retry, dismissed);
  }

  /**
   * Shows message `seq` as deleted (its text is gone from the room too).
   * @param {number} seq
   */
  markDeleted(seq) {
    const li = this.list.querySelector(`[data-seq="${seq}"]`);
    if (li instanceof HTMLElement) showDeleted(li);
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
    showSeen(this.list, upTo);
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
      const li = this.#render(m.from, contentOf(m, m.file ? urlOf(m.file) : undefined), m.timestamp);
      this.#confirm(li, m.seq, m.timestamp);
      this.list.insertBefore(li, first);
      regroupAround(li);
      if (m.deleted) this.markDeleted(m.seq);
    }
    if (first) regroupAround(first);
    refreshDaySeparators(this.list);
    this.scroller.scrollTop = this.scroller.scrollHeight - fromBottom;
    this.settle();
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /**
   * @param {User} from
   * @param {string | HTMLElement} content
   * @param {number} timestamp
   */
  #render(from, content, timestamp) {
    return messageView(from, content, timestamp, from.id === this.me?.id);
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
      setMessageState(li, "Delivered");
      tidyDeliveryStates(this.list);
    }
    this.#deleteButton(li);
  }

  /**
   * Adds (or removes) the delete button of a delivered message.
   * @param {HTMLElement} li
   */
  #deleteButton(li) {
    const allowed = !li.classList.contains("deleted") && this.canDelete(li.dataset.author ?? "");
    syncDeleteButton(li, allowed, () => this.onDelete(Number(li.dataset.seq)));
  }

  /**
   * This list's entry for `cid`, if shown.
   * @param {string} cid
   */
  #byCid(cid) {
    for (const li of this.list.children) if (li instanceof HTMLElement && li.dataset.cid === cid) return li;
    return undefined;
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

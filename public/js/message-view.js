// How one message looks: the avatar, author and time over its text or file,
// and the state line under it ("Sending…", "Delivered", "Not sent: … Retry").
// Where a message goes in the list, and when, is message-list.js's job. Built
// with dom.js only: text is always text, never markup (http(s) links in it
// become anchors, see linkify.js).
import { avatar, el } from "./dom.js";
import { fileView } from "./file-view.js";
import { linkified } from "./linkify.js";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
/** Consecutive messages by one author closer than this share one header. */
const GROUP_WINDOW_MS = 5 * 60 * 1000;

/** @typedef {import("../vendor/roomcast-client.js").SharedFile} SharedFile */
/** @typedef {{ id: string, name: string }} User */
/**
 * What the list shows: a room message, a shared file or a direct message (the
 * fields those frames share).
 * @typedef {{ id: string, seq: number, from: User, content?: string, file?: SharedFile, timestamp: number, cid?: string, deleted?: true }} Listed
 */

/**
 * A message's list item: avatar, author, time and `content`. `data-author` and
 * `data-ts` are what grouping and day separators read.
 * @param {User} from
 * @param {string | HTMLElement} content  text (rendered as text, its links linkified) or a file view
 * @param {number} timestamp  ms since the epoch
 * @param {boolean} own  sent by the signed-in user (styled apart, gets a state line)
 * @returns {HTMLElement}
 */
export function messageView(from, content, timestamp, own) {
  const time = el("time", {
    text: timeFormat.format(timestamp),
    attrs: { datetime: new Date(timestamp).toISOString(), title: dateFormat.format(timestamp) },
  });
  const meta = el("div", { className: "meta" }, el("span", { className: "author", text: from.name }), time);
  const bubble =
    typeof content === "string"
      ? el("div", { className: "bubble", attrs: { dir: "auto" } }, ...linkified(content))
      : content;
  const body = el("div", { className: "body" }, meta, bubble);
  const li = el("li", { className: own ? "msg own" : "msg" }, avatar(from), body);
  li.dataset.author = from.id;
  li.dataset.ts = String(timestamp);
  return li;
}

/**
 * What a message shows: its text, or its file (when its link is known).
 * @param {Listed} m
 * @param {string} [url]  the file's absolute link
 * @returns {string | HTMLElement}
 */
export function contentOf(m, url) {
  return m.file && url ? fileView(m.file, url) : (m.content ?? "");
}

/**
 * Replaces an upload's progress view with the stored file (once).
 * @param {Element} li
 * @param {SharedFile} file
 * @param {string} url
 */
export function showStoredFile(li, file, url) {
  const view = li.querySelector(".file.uploading");
  if (view) view.replaceWith(fileView(file, url));
}

/**
 * The line under a message: "Sending…", "Delivered", "Not sent: … Retry".
 * @param {Element} li
 * @param {string} text
 * @param {...Node} extra  e.g. a Retry button
 */
export function setMessageState(li, text, ...extra) {
  const body = li.querySelector(".body");
  let state = li.querySelector(".state");
  if (!state) {
    state = el("div", { className: "state" });
    body?.append(state);
  }
  state.replaceChildren(text, ...extra);
}

/**
 * Marks this tab's message refused: why, and a Retry button that takes the
 * entry away and calls `retry` (which shows it again as a new pending one) —
 * or, for a refusal no retry would change (no `retry`), a Dismiss button
 * that takes it away and calls `dismissed`.
 * @param {HTMLElement} li
 * @param {string} reason
 * @param {(() => void) | undefined} retry
 * @param {() => void} [dismissed]
 */
export function showFailed(li, reason, retry, dismissed) {
  li.classList.remove("pending");
  li.classList.add("failed");
  const button = el("button", {
    className: "link-button",
    text: retry ? "Retry" : "Dismiss",
    attrs: { type: "button" },
  });
  button.addEventListener("click", () => {
    li.remove();
    if (retry) retry();
    else dismissed?.();
  });
  setMessageState(li, `Not sent: ${reason} `, button);
}

/**
 * Shows a message as deleted: its text or file gives way to "message deleted"
 * (the object of a shared file is deleted with the message), with no delete
 * button or state line left.
 * @param {Element} li
 */
export function showDeleted(li) {
  li.classList.add("deleted");
  li.querySelector(".bubble, .file")?.replaceWith(
    el("div", { className: "bubble", text: "message deleted" }),
  );
  li.querySelector(".delete")?.remove();
  li.querySelector(".state")?.remove();
}

/**
 * Adds the delete button of a delivered message when `allowed`, or removes it.
 * @param {HTMLElement} li
 * @param {boolean} allowed
 * @param {() => void} onDelete
 */
export function syncDeleteButton(li, allowed, onDelete) {
  const existing = li.querySelector(".delete");
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
  button.addEventListener("click", onDelete);
  li.querySelector(".meta")?.append(button);
}

/**
 * Consecutive messages by one author within a few minutes share one header:
 * re-checks `li` and the message after it against the ones above them (run
 * after `li` is placed or moved).
 * @param {Element} li
 */
export function regroupAround(li) {
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

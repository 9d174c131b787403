// The state line under my own delivered messages: "Delivered" under the last
// one only (one confirmation says everything before it arrived too), and in a
// direct-message conversation "Seen" under the newest one the other side read.
import { setMessageState } from "./message-view.js";

/**
 * Marks the newest of my messages in `list` with seq up to `upTo` as "Seen"
 * (the other side read it), and the earlier "Seen" one back to "Delivered".
 * @param {HTMLElement} list
 * @param {number} upTo
 */
export function showSeen(list, upTo) {
  let last;
  for (const li of list.querySelectorAll(".msg.own[data-seq]")) {
    if (li instanceof HTMLElement && Number(li.dataset.seq) <= upTo) last = li;
  }
  for (const li of list.querySelectorAll(".msg.own.seen")) {
    if (li === last) continue;
    li.classList.remove("seen");
    setMessageState(li, "Delivered");
  }
  if (last) {
    last.classList.add("seen");
    setMessageState(last, "Seen");
  }
  tidyDeliveryStates(list);
}

/**
 * "Delivered" only under my last delivered message in `list` (and "Seen" where
 * it is): the lines above it would only repeat it.
 * @param {HTMLElement} list
 */
export function tidyDeliveryStates(list) {
  const delivered = [...list.querySelectorAll(".msg.own[data-seq]:not(.pending):not(.failed)")];
  const last = delivered.at(-1);
  for (const li of delivered) {
    if (li === last || li.classList.contains("seen")) continue;
    li.querySelector(".state")?.remove();
  }
  if (last instanceof HTMLElement && !last.querySelector(".state") && !last.classList.contains("deleted")) {
    setMessageState(last, last.classList.contains("seen") ? "Seen" : "Delivered");
  }
}

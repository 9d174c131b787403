// Date separators in a message list: before the first message of each day
// ("Today", "Yesterday", or the date), recomputed after every change, since
// messages arrive live, from history and from older pages.
import { el } from "./dom.js";

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full" });

/**
 * The label of the day `ts` falls on, relative to now.
 * @param {number} ts  ms since the epoch
 * @param {number} [now]
 */
export function dayLabel(ts, now = Date.now()) {
  const day = new Date(ts).toDateString();
  if (day === new Date(now).toDateString()) return "Today";
  if (day === new Date(now - 86_400_000).toDateString()) return "Yesterday";
  return dayFormat.format(ts);
}

/**
 * Puts a separator before each message (`li.msg` with `data-ts`) that starts a new day.
 * @param {HTMLElement} list
 */
export function refreshDaySeparators(list) {
  for (const old of list.querySelectorAll(":scope > .day-separator")) old.remove();
  let previous = "";
  for (const li of list.querySelectorAll(":scope > .msg")) {
    if (!(li instanceof HTMLElement) || !li.dataset.ts) continue;
    const ts = Number(li.dataset.ts);
    const day = new Date(ts).toDateString();
    if (day === previous) continue;
    previous = day;
    const label = dayLabel(ts);
    list.insertBefore(
      el("li", { className: "day-separator", text: label, attrs: { role: "separator" } }),
      li,
    );
    // A new day starts a new group of messages.
    li.classList.remove("cont");
  }
}

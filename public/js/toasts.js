// Short-lived notices for error frames and connection problems. They sit under
// the top bar, never over the composer (its Send button stays clickable), and
// at most a few at a time: a burst of refusals shows its latest ones.
import { el } from "./dom.js";

const TOAST_MS = 6000;
/** More than this many at once and the oldest goes. */
const MAX_TOASTS = 3;

export class Toasts {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
  }

  /**
   * Shows a toast for a few seconds.
   * @param {string} text
   * @param {"error" | "info"} [kind]
   */
  show(text, kind = "error") {
    // The same text twice in a row (a burst of refusals) is one toast.
    const last = this.root.lastElementChild;
    if (last instanceof HTMLElement && last.dataset.text === text) return;
    const close = el("button", {
      className: "icon-button",
      text: "×",
      attrs: { type: "button", "aria-label": "Dismiss" },
    });
    const toast = el("div", {
      className: `toast ${kind}`,
      attrs: { role: kind === "error" ? "alert" : "status" },
    });
    toast.append(el("span", { text }), close);
    toast.dataset.text = text;
    const remove = () => toast.remove();
    close.addEventListener("click", remove);
    setTimeout(remove, TOAST_MS);
    this.root.append(toast);
    while (this.root.childElementCount > MAX_TOASTS) this.root.firstElementChild?.remove();
  }
}

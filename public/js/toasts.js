// Short-lived notices for error frames and connection problems.
import { el } from "./dom.js";

const TOAST_MS = 6000;

/**
 * Human text for an SDK error (a RoomcastError), an `error` frame or anything
 * else a promise rejected with.
 * @param {unknown} value
 */
export function describeError(value) {
  /** @type {{ code?: string, message?: string, retryAfterMs?: number } | undefined} */
  const err = typeof value === "object" && value !== null ? value : undefined;
  switch (err?.code) {
    case "rate_limited": {
      const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000));
      return `You're sending too fast. Try again in ${seconds} s.`;
    }
    case "too_large":
      return "That message is too large to send.";
    case "invalid_message":
      return `The server refused that message: ${err.message}`;
    case "forbidden":
      return "You are not allowed to do that here.";
    case "file_too_large":
      return `That file is too large to share. ${err.message}.`;
    case "unsupported_type":
      return `That kind of file can't be shared here. ${err.message}.`;
    case "quota_exceeded":
      return "This room has no space left for files.";
    case "upload_failed":
      return "The upload did not reach the server. Try again.";
    case "closed":
      return "Not connected to the room.";
    default:
      return err?.message ?? "Something went wrong.";
  }
}

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
  }
}

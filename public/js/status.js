// The connection pill in the top bar: connected, connecting, a live countdown
// to the next reconnect attempt (with "Retry now"), or closed with the reason
// (and "Reconnect" where coming back can work: not after a ban or a refusal).
import { banEnd, untilText } from "./refusals.js";

/** @type {Partial<Record<import("../vendor/roomcast-client.js").CloseKind, string>>} */
const CLOSED_TEXT = {
  normal: "You left the room",
  client: "Disconnected",
  policy: "Disconnected by the server (policy)",
  kicked: "You were removed from this room",
  "token-expired": "Your session expired — sign in again",
  refused: "The server refused the connection",
  "gave-up": "Could not reach the server",
};

export class StatusView {
  /**
   * @param {{ root: HTMLElement, text: HTMLElement, countdown: HTMLElement, action: HTMLButtonElement }} parts
   * @param {{ retryNow: () => void, reconnect: () => void }} actions
   */
  constructor(parts, actions) {
    this.parts = parts;
    this.actions = actions;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.ticker = undefined;
    /** @type {(() => void) | undefined} */
    this.onAction = undefined;
    parts.action.addEventListener("click", () => this.onAction?.());
  }

  /**
   * Renders an SDK `state` event.
   * @param {import("../vendor/roomcast-client.js").ConnectionState} state
   */
  show(state) {
    clearInterval(this.ticker);
    this.parts.countdown.textContent = "";
    this.ticker = undefined;
    this.parts.root.dataset.status = state.status;
    switch (state.status) {
      case "idle":
        return this.#set("Not connected");
      case "connecting":
        return this.#set(state.attempt > 0 ? "Reconnecting…" : "Connecting…");
      case "open":
        return this.#set("Connected");
      case "reconnecting": {
        this.#set("Offline", "Retry now", () => this.actions.retryNow());
        const tick = () => {
          const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
          const text = seconds > 0 ? ` — retrying in ${seconds} s` : " — reconnecting…";
          if (this.parts.countdown.textContent !== text) this.parts.countdown.textContent = text;
        };
        tick();
        this.ticker = setInterval(tick, 250);
        return;
      }
      case "closed": {
        // A banned user is told until when, and offered no way back in before then.
        const ban = banEnd(state.reason);
        if (ban !== undefined) return this.#set(`Banned ${untilText(ban)}`);
        const text = CLOSED_TEXT[state.reason.kind] ?? "Disconnected";
        const canRetry = state.reason.kind !== "token-expired" && state.reason.kind !== "refused";
        return this.#set(text, canRetry ? "Reconnect" : undefined, () => this.actions.reconnect());
      }
    }
  }

  /**
   * @param {string} text
   * @param {string} [actionLabel]  the button beside it (none when undefined)
   * @param {() => void} [onAction]
   */
  #set(text, actionLabel, onAction) {
    this.parts.countdown.textContent = "";
    if (this.parts.text.textContent !== text) this.parts.text.textContent = text;
    this.parts.action.hidden = actionLabel === undefined;
    this.parts.action.textContent = actionLabel ?? "";
    this.onAction = onAction;
  }
}

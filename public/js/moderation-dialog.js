// The moderator's confirmation before a kick, a mute or a ban: what it will do,
// a reason (shown to the room), how long (mute and ban; "Permanently" sends no
// duration), and the server's refusal, if any, said in the dialog itself.
import { byId, el } from "./dom.js";
import { describeError } from "./refusals.js";

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** @typedef {"kick" | "mute" | "ban"} Restraint */
/** @typedef {{ id: string, name: string }} User */
/** @typedef {import("../vendor/roomcast-client.js").RoomcastClient} RoomcastClient */

/**
 * Each action's words and durations (the first is the default; 0 = permanent).
 * @type {Record<Restraint, { verb: string, effect: (name: string, room: string) => string, durations: [number, string][] }>}
 */
const ACTIONS = {
  kick: {
    verb: "Kick",
    effect: (name, room) => `${name} is removed from #${room} now, and may come back.`,
    durations: [],
  },
  mute: {
    verb: "Mute",
    effect: (name, room) => `${name} stays in #${room} but cannot send messages until the mute ends.`,
    durations: [
      [10 * MINUTE, "10 minutes"],
      [HOUR, "1 hour"],
      [DAY, "1 day"],
      [7 * DAY, "1 week"],
      [0, "Permanently"],
    ],
  },
  ban: {
    verb: "Ban",
    effect: (name, room) => `${name} is removed from #${room} and cannot come back until the ban ends.`,
    durations: [
      [HOUR, "1 hour"],
      [DAY, "1 day"],
      [7 * DAY, "1 week"],
      [0, "Permanently"],
    ],
  },
};

/** The dialog, opened for one action on one user at a time. */
export class ModerationDialog {
  constructor() {
    this.dialog = byId("moderate", HTMLDialogElement);
    this.form = byId("moderate-form", HTMLFormElement);
    this.reason = byId("moderate-reason", HTMLInputElement);
    this.duration = byId("moderate-duration", HTMLSelectElement);
    this.confirm = byId("moderate-confirm", HTMLButtonElement);
    this.error = byId("moderate-error");
    /** @type {(() => Promise<unknown>) | undefined} what the confirm button does */
    this.run = undefined;
    byId("moderate-cancel").addEventListener("click", () => this.dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#submit();
    });
  }

  /**
   * Opens the dialog for `action` on `user` in `client`'s room.
   * @param {Restraint} action
   * @param {User} user
   * @param {RoomcastClient} client
   */
  open(action, user, client) {
    const { verb, effect, durations } = ACTIONS[action];
    byId("moderate-title").textContent = `${verb} ${user.name}?`;
    byId("moderate-effect").textContent = effect(user.name, client.room);
    byId("moderate-duration-field").hidden = durations.length === 0;
    this.duration.replaceChildren(
      ...durations.map(([ms, label]) => el("option", { text: label, attrs: { value: String(ms) } })),
    );
    this.reason.value = "";
    this.error.textContent = "";
    this.confirm.textContent = verb;
    this.confirm.disabled = false;
    this.run = () => {
      const reason = this.reason.value.trim();
      const ms = Number(this.duration.value);
      const options = { ...(reason ? { reason } : {}), ...(ms > 0 ? { durationMs: ms } : {}) };
      if (action === "kick") return client.kick(user.id, options);
      return action === "mute" ? client.mute(user.id, options) : client.ban(user.id, options);
    };
    this.dialog.showModal();
    this.reason.focus();
  }

  /** Closes the dialog (another room was joined). */
  close() {
    if (this.dialog.open) this.dialog.close();
  }

  async #submit() {
    const run = this.run;
    if (!run || this.confirm.disabled) return;
    this.confirm.disabled = true;
    this.error.textContent = "";
    try {
      await run();
      this.dialog.close();
    } catch (err) {
      this.error.textContent = describeError(err);
    } finally {
      this.confirm.disabled = false;
    }
  }
}

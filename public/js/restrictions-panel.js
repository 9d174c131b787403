// The moderators' list of who is banned and who is muted in the room (read over
// HTTP: `GET …/bans` and `…/mutes`, so it includes people who are not here),
// each with until when, why and by whom, and the button that lifts it.
import { avatar, byId, el } from "./dom.js";
import { describeError, untilText } from "./refusals.js";

/** @typedef {import("../vendor/roomcast-client.js").RoomcastClient} RoomcastClient */
/** @typedef {import("../vendor/roomcast-client.js").BanEntry} Restriction */

/** A timer further away than this is not worth keeping (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

export class RestrictionsPanel {
  constructor() {
    /** Called when the mutes change (the people list shows Mute or Unmute). */
    this.onChange = () => {};
    /** @type {RoomcastClient | undefined} */
    this.client = undefined;
    /** Ids of the users muted in the room, as of the last read. */
    this.muted = new Set();
    /** @type {ReturnType<typeof setTimeout> | undefined} the next expiry's re-read */
    this.timer = undefined;
    /** Counts reads, so an answer older than the latest is dropped. */
    this.generation = 0;
  }

  /**
   * Shows the lists for `client`'s room (a moderator's), read now.
   * @param {RoomcastClient} client
   * @param {() => void} onChange  the mutes changed
   */
  show(client, onChange) {
    this.client = client;
    this.onChange = onChange;
    byId("restrictions").hidden = false;
    void this.refresh();
  }

  /** Hides the lists (another room, or not a moderator there). */
  hide() {
    this.client = undefined;
    this.generation += 1;
    clearTimeout(this.timer);
    byId("restrictions").hidden = true;
    this.muted = new Set();
    this.onChange = () => {};
  }

  /** Reads both lists again (after a ban, unban, mute or unmute, or an expiry). */
  async refresh() {
    const client = this.client;
    if (!client) return;
    const generation = ++this.generation;
    try {
      const [bans, mutes] = await Promise.all([client.listBans(), client.listMutes()]);
      if (generation !== this.generation) return;
      byId("restrictions-error").textContent = "";
      this.#render("ban", bans.bans);
      this.#render("mute", mutes.mutes);
      this.muted = new Set(mutes.mutes.map((m) => m.user.id));
      this.onChange();
      this.#rereadAtNextEnd([...bans.bans, ...mutes.mutes]);
    } catch (err) {
      if (generation !== this.generation) return;
      byId("restrictions-error").textContent = `Could not read the bans and mutes: ${describeError(err)}`;
    }
  }

  /**
   * @param {"ban" | "mute"} kind
   * @param {Restriction[]} entries
   */
  #render(kind, entries) {
    const list = byId(`${kind}-list`);
    byId(`${kind}s-count`).textContent = entries.length > 0 ? String(entries.length) : "";
    byId(`${kind}s-none`).hidden = entries.length > 0;
    list.hidden = entries.length === 0;
    list.replaceChildren(...entries.map((entry) => this.#entry(kind, entry)));
  }

  /**
   * One person: avatar, name, "until … · reason · by Mo", and Unban / Unmute.
   * @param {"ban" | "mute"} kind
   * @param {Restriction} entry
   */
  #entry(kind, entry) {
    const detail = [untilText(entry.until), entry.reason, `by ${entry.by.name}`].filter(Boolean).join(" · ");
    const text = el(
      "span",
      { className: "restriction-text" },
      el("span", { className: "person-name", text: entry.user.name }),
      el("span", { className: "restriction-detail", text: detail }),
    );
    const label = kind === "ban" ? "Unban" : "Unmute";
    const button = el("button", {
      className: "link-button small",
      text: label,
      attrs: { type: "button", "aria-label": `${label} ${entry.user.name}` },
    });
    button.addEventListener("click", () => this.#lift(kind, entry.user.id, button));
    return el("li", { className: "person" }, avatar(entry.user), text, button);
  }

  /**
   * @param {"ban" | "mute"} kind
   * @param {string} userId
   * @param {HTMLElement} button
   */
  async #lift(kind, userId, button) {
    const client = this.client;
    if (!client || !(button instanceof HTMLButtonElement)) return;
    button.disabled = true;
    try {
      // The room's `moderation` frame for it re-reads the lists (room-connection.js).
      await (kind === "ban" ? client.unban(userId) : client.unmute(userId));
    } catch (err) {
      byId("restrictions-error").textContent = describeError(err);
      button.disabled = false;
    }
  }

  /**
   * Bans and mutes end by the clock with no frame: re-read when the soonest ends.
   * @param {Restriction[]} entries
   */
  #rereadAtNextEnd(entries) {
    clearTimeout(this.timer);
    const ends = entries.map((e) => e.until).filter((until) => typeof until === "number");
    if (ends.length === 0) return;
    const wait = Math.min(...ends) - Date.now() + 500;
    if (wait <= MAX_TIMER_MS) this.timer = setTimeout(() => void this.refresh(), Math.max(wait, 0));
  }
}

// Moderation in the demo: the member-list actions for moderators, the
// slow-mode countdown on the send button, how moderation events read, and the
// screen a kicked or banned user sees.
import { byId } from "./dom.js";
import { describeError } from "./toasts.js";

const MUTE_MS = 10 * 60 * 1000;
const BAN_MS = 60 * 60 * 1000;
const untilFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * The buttons a moderator gets beside each other person.
 * @param {import("../vendor/roomcast-client.js").RoomcastClient} client
 * @param {import("./toasts.js").Toasts} toasts
 * @returns {import("./people.js").PersonAction[]}
 */
export function memberActions(client, toasts) {
  const fail = (/** @type {unknown} */ err) => toasts.show(describeError(err));
  return [
    { label: "Kick", run: (user) => client.kick(user.id).catch(fail) },
    { label: "Mute", run: (user) => client.mute(user.id, { durationMs: MUTE_MS }).catch(fail) },
    { label: "Ban", run: (user) => client.ban(user.id, { durationMs: BAN_MS }).catch(fail) },
  ];
}

/**
 * A moderation frame as one sentence: "Mo muted Bob until 14:05 (spam)".
 * @param {import("../vendor/roomcast-client.js").ModerationFrame} frame
 */
export function describeModeration(frame) {
  const who = frame.target?.name ?? "someone";
  const until = frame.until ? ` until ${untilFormat.format(frame.until)}` : "";
  const why = frame.reason ? ` (${frame.reason})` : "";
  const what = {
    kick: `removed ${who}`,
    ban: `banned ${who}${frame.until === null ? " permanently" : until}`,
    unban: `lifted the ban on ${who}`,
    mute: `muted ${who}${until}`,
    unmute: `unmuted ${who}`,
    delete_message: `deleted a message from ${who}`,
    slow_mode: frame.intervalMs
      ? `turned slow mode on (${frame.intervalMs / 1000} s)`
      : "turned slow mode off",
  }[frame.action];
  return `${frame.by.name} ${what ?? frame.action}${why}`;
}

/** The send button's slow-mode countdown: disabled with "Wait 12 s" until the interval is over. */
export class SlowModeCountdown {
  /** @param {HTMLButtonElement} button */
  constructor(button) {
    this.button = button;
    this.label = button.textContent ?? "Send";
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
  }

  /**
   * Counts down `ms` from now.
   * @param {number} ms
   */
  start(ms) {
    this.stop();
    const end = Date.now() + ms;
    const tick = () => {
      const left = Math.ceil((end - Date.now()) / 1000);
      if (left <= 0) return this.stop();
      this.button.disabled = true;
      this.button.textContent = `Wait ${left} s`;
    };
    tick();
    this.timer = setInterval(tick, 250);
  }

  stop() {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.button.disabled = false;
    this.button.textContent = this.label;
  }
}

/**
 * Replaces the conversation with the removal notice after a kick or a ban
 * (seen live, or as a `403 banned` refusal when coming back).
 * @param {import("../vendor/roomcast-client.js").CloseInfo} reason
 */
export function showRemoved(reason) {
  const banned = reason.until !== undefined || reason.error === "banned";
  byId("removed-title").textContent = banned
    ? reason.until === null || reason.until === undefined
      ? "You are banned from this room"
      : `You are banned from this room until ${untilFormat.format(reason.until)}`
    : "You were removed from this room";
  const by = reason.moderation ? `By ${reason.moderation.by.name}` : "";
  const why = reason.moderation?.reason ? `: ${reason.moderation.reason}` : "";
  byId("removed-detail").textContent = by ? `${by}${why}.` : "";
  setRemoved(true);
}

/** Shows the conversation again (another room). */
export function hideRemoved() {
  setRemoved(false);
}

/** @param {boolean} removed */
function setRemoved(removed) {
  byId("removed").hidden = !removed;
  for (const id of ["scroller", "typing", "composer"]) byId(id).hidden = removed;
}

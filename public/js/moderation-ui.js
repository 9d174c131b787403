// Moderation in the demo: the member-list actions for moderators (each opens
// the confirmation dialog, moderation-dialog.js), how moderation events read,
// the slow-mode countdown on the send button, and the screen a kicked or
// banned user sees.
import { byId } from "./dom.js";
import { banEnd, describeError, untilText } from "./refusals.js";

/**
 * The buttons a moderator gets beside each other person: Kick, Mute (Unmute
 * when `muted` has them), Ban. Kick, Mute and Ban ask first, with a reason and
 * a duration; Unmute lifts at once.
 * @param {import("../vendor/roomcast-client.js").RoomcastClient} client
 * @param {import("./toasts.js").Toasts} toasts
 * @param {import("./moderation-dialog.js").ModerationDialog} dialog
 * @param {ReadonlySet<string>} muted  ids of the users muted in the room
 * @returns {import("./people.js").PersonAction[]}
 */
export function memberActions(client, toasts, dialog, muted) {
  const fail = (/** @type {unknown} */ err) => toasts.show(describeError(err));
  return [
    { label: "Kick", run: (user) => dialog.open("kick", user, client) },
    { label: "Mute", run: (user) => dialog.open("mute", user, client), shown: (user) => !muted.has(user.id) },
    {
      label: "Unmute",
      run: (user) => client.unmute(user.id).catch(fail),
      shown: (user) => muted.has(user.id),
    },
    { label: "Ban", run: (user) => dialog.open("ban", user, client) },
  ];
}

/**
 * A moderation frame as one sentence: "Mo muted Bob until 9 Dec 2026, 14:05 (spam)",
 * or "Mo muted you …" when `me` is the target.
 * @param {import("../vendor/roomcast-client.js").ModerationFrame} frame
 * @param {{ id: string }} [me]
 */
export function describeModeration(frame, me) {
  const who = frame.target && frame.target.id === me?.id ? "you" : (frame.target?.name ?? "someone");
  const until = ` ${untilText(frame.until)}`;
  const why = frame.reason ? ` (${frame.reason})` : "";
  const what = {
    kick: `removed ${who}`,
    ban: `banned ${who}${until}`,
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
  const until = banEnd(reason);
  byId("removed-title").textContent =
    until === undefined
      ? "You were removed from this room"
      : `You are banned from this room ${untilText(until)}`;
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

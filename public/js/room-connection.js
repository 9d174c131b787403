// One room's connection in the demo: the RoomcastClient for the signed-in user
// and what each of its events does to the page (the status pill, the message
// list, the people list, the typing line, moderation, refusals). app.js owns
// which room is current and what the view looks like before a room is joined.
import { RoomcastClient } from "../vendor/roomcast-client.js";
import { isTokenRefusal, refusalText, showConnection } from "./connection-ui.js";
import { byId } from "./dom.js";
import { describeModeration, memberActions, showRemoved } from "./moderation-ui.js";
import { renderPresence, typingText } from "./people.js";
import { describeError } from "./refusals.js";
import { trackRestored } from "./sending.js";
import { tokenProvider } from "./session.js";

/** The actions that change the lists of bans and mutes. */
const RESTRICTIONS = new Set(["ban", "unban", "mute", "unmute"]);

/**
 * The parts of the page a room's events change, and the page's own answers.
 * @typedef {object} RoomView
 * @property {import("./message-list.js").MessageList} messages
 * @property {import("./status.js").StatusView} status
 * @property {import("./toasts.js").Toasts} toasts
 * @property {import("./direct-messages.js").DirectMessages} dms  opened by a click on a person
 * @property {HTMLSelectElement} slowModeSelect
 * @property {HTMLButtonElement} olderButton
 * @property {import("./moderation-dialog.js").ModerationDialog} moderationDialog  a moderator's kick / mute / ban
 * @property {import("./restrictions-panel.js").RestrictionsPanel} restrictions  a moderator's bans and mutes
 * @property {(client: RoomcastClient) => boolean} isCurrent  false once the page moved to another room
 * @property {(why: string) => void} signOut  a pasted token the server refused
 * @property {(content: string) => void} resend  the Retry of a restored message the room refused
 */

/**
 * Creates the client of `room` for `session` with its events wired to `view`,
 * not yet connected (the caller makes it current first: events of a client
 * that is not current are ignored).
 * @param {string} room
 * @param {import("./session.js").Session} session
 * @param {{ id: string, name: string }} me  the signed-in user (id "" when the token has no `sub`)
 * @param {RoomView} view
 */
export function createRoomClient(room, session, me, view) {
  const { messages, status, toasts, dms, slowModeSelect, olderButton, restrictions } = view;
  const c = new RoomcastClient({
    url: location.origin,
    room,
    token: tokenProvider(session),
    // Unsent messages survive a room switch and a reload (sent again with their cid: exactly once).
    ...(me.id ? { persistOutbox: { storage: localStorage, user: me.id } } : {}),
    // A restarted server is found within a few seconds (the SDK's default cap is 30 s).
    reconnect: { maxDelayMs: 4000 },
  });
  trackRestored(c, messages, toasts, view.resend);
  messages.canDelete = (author) => c.canModerate || author === c.user?.id;
  messages.onDelete = (seq) => c.deleteMessage(seq).catch((err) => toasts.show(describeError(err)));
  const showPeople = () =>
    renderPresence(
      byId("presence"),
      byId("people-count"),
      c.presence,
      c.user,
      (user) => dms.open(user),
      c.canModerate ? memberActions(c, toasts, view.moderationDialog, restrictions.muted) : [],
    );
  let firstWelcome = true;
  let inWelcome = false;
  c.on("state", (s) => {
    if (!view.isCurrent(c)) return;
    status.show(s);
    showConnection(s);
    if (s.status !== "closed") return;
    if (s.reason.kind === "kicked" || s.reason.error === "banned") showRemoved(s.reason);
    else if (isTokenRefusal(s.reason) && !session.dev)
      view.signOut(`${refusalText(s.reason)} Sign in again.`);
    else if (s.reason.kind === "refused") toasts.show(refusalText(s.reason) ?? s.reason.reason);
    else if (s.reason.kind === "token-expired")
      toasts.show("Your session has expired. Sign out and sign in again.");
  });
  c.on("welcome", (w) => {
    messages.me = w.user;
    messages.refreshDeleteButtons();
    byId("slow-mode-control").hidden = !w.canModerate;
    // A moderator sees who is banned and muted (a refreshed token can change the role).
    if (w.canModerate && view.isCurrent(c)) restrictions.show(c, showPeople);
    else if (view.isCurrent(c)) restrictions.hide();
    slowModeSelect.value = String(w.settings.slowModeMs);
    // Only the first welcome says whether older history exists; later ones are resumes.
    if (firstWelcome) olderButton.hidden = !w.hasMore;
    firstWelcome = false;
    // Messages delivered with the welcome are history, not news: don't read them out.
    inWelcome = true;
    queueMicrotask(() => {
      inWelcome = false;
      messages.settle();
    });
  });
  c.on("message", (m) => messages.addDelivered(m, !inWelcome));
  c.on("file", (f) => messages.addDelivered(f, !inWelcome, c.fileUrl(f.file)));
  c.on("presence", showPeople);
  c.on("welcome", showPeople);
  c.on("message_deleted", (f) => messages.markDeleted(f.seq));
  c.on("moderation", (f) => {
    if (f.action === "slow_mode") slowModeSelect.value = String(f.intervalMs ?? 0);
    if (RESTRICTIONS.has(f.action) && c.canModerate && view.isCurrent(c)) void restrictions.refresh();
    // A kick or ban of this user shows as the removal screen instead.
    if (f.target?.id !== c.user?.id || (f.action !== "kick" && f.action !== "ban")) {
      toasts.show(describeModeration(f, c.user), "info");
    }
  });
  c.on("typing", (users) => {
    byId("typing").textContent = typingText(users);
  });
  c.on("error", (frame) => {
    // Errors about a message are shown on that message (and below, as a toast, by send()).
    if (!frame.ref) toasts.show(describeError(frame));
  });
  c.on("resume", (r) => {
    if (!r.resumed) toasts.show("Some messages were missed while you were offline.", "info");
  });
  return c;
}

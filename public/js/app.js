// The Roomcast demo: sign in, join a room, chat. Plain ES modules on top of
// the bundled SDK (public/vendor/, built from src/client by `npm run build:client`).
// This file holds the page's state (the session, the current room's client) and
// what switching rooms does to the view; sign-in.js has the sign-in form,
// room-connection.js what a room's events do.
import { RoomcastError } from "../vendor/roomcast-client.js";
import { loadLimits, renderRooms, wireComposer, wireSidebar } from "./chat-ui.js";
import { resetConnection } from "./connection-ui.js";
import { DirectMessages } from "./direct-messages.js";
import { byId } from "./dom.js";
import { MessageList } from "./message-list.js";
import { ModerationDialog } from "./moderation-dialog.js";
import { hideRemoved, SlowModeCountdown } from "./moderation-ui.js";
import { describeError } from "./refusals.js";
import { RestrictionsPanel } from "./restrictions-panel.js";
import { createRoomClient } from "./room-connection.js";
import { DEFAULT_ROOM, rememberRoom, roomFromUrl, roomNameProblem, setRoomInUrl } from "./rooms.js";
import { sendTracked } from "./sending.js";
import { clearSession, loadSession, saveSession, userIdFromToken } from "./session.js";
import { showSignIn, wireSignIn } from "./sign-in.js";
import { StatusView } from "./status.js";
import { Toasts } from "./toasts.js";
import { wireUploads } from "./uploads.js";

const toasts = new Toasts(byId("toasts"));
const messages = new MessageList({
  list: byId("messages", HTMLOListElement),
  scroller: byId("scroller"),
  empty: byId("empty"),
  announcer: byId("announcer"),
});
const status = new StatusView(
  {
    root: byId("status"),
    text: byId("status-text"),
    countdown: byId("status-countdown"),
    action: byId("status-action", HTMLButtonElement),
  },
  { retryNow: () => client?.reconnectNow(), reconnect: () => client?.connect().catch(() => {}) },
);
const olderButton = byId("load-older", HTMLButtonElement);
const dms = new DirectMessages(toasts);
const slowMode = new SlowModeCountdown(byId("send", HTMLButtonElement));
const slowModeSelect = byId("slow-mode", HTMLSelectElement);
const moderationDialog = new ModerationDialog();
const restrictions = new RestrictionsPanel();

/** @type {import("./session.js").Session | undefined} */
let session = loadSession();
/** @type {import("../vendor/roomcast-client.js").RoomcastClient | undefined} */
let client;

// --- sign-in ---------------------------------------------------------------

byId("signout").addEventListener("click", () => signOut());
wireSignIn((signedIn) => {
  session = signedIn;
  saveSession(session);
  showChat();
});

/**
 * Back to the sign-in screen (with `why`, when the server refused the token).
 * @param {string} [why]
 */
function signOut(why = "") {
  client?.close();
  client = undefined;
  dms.stop();
  moderationDialog.close();
  restrictions.hide();
  clearSession();
  session = undefined;
  showSignIn(why);
}

function showChat() {
  if (!session) return showSignIn();
  byId("signin").hidden = true;
  byId("chat").hidden = false;
  byId("me-name").textContent = session.name;
  dms.start(session);
  const room = roomFromUrl() ?? DEFAULT_ROOM;
  setRoomInUrl(room, true);
  joinRoom(room);
}

// --- rooms -----------------------------------------------------------------

/**
 * Leaves the current room (if any) and joins `room`.
 * @param {string} room
 */
function joinRoom(room) {
  if (!session) return;
  const left = client;
  if (left && left.room !== room && left.outbox.length > 0) {
    const n = left.outbox.length;
    toasts.show(
      `${n === 1 ? "1 message" : `${n} messages`} to #${left.room} could not be sent yet: saved, and sent when you go back there.`,
      "info",
    );
  }
  left?.close();
  dms.close();
  byId("join-error").textContent = "";
  const recent = rememberRoom(room);
  renderRooms(byId("recent-rooms"), recent, room, navigate);
  byId("room-name").textContent = room;
  document.title = `#${room} · Roomcast`;
  messages.reset();
  olderButton.hidden = true;
  byId("typing").textContent = "";
  hideRemoved();
  slowMode.stop();
  byId("slow-mode-control").hidden = true;
  moderationDialog.close();
  restrictions.hide();

  resetConnection();
  const me = { id: userIdFromToken(session.token) ?? "", name: session.name };
  messages.me = me;
  const c = createRoomClient(room, session, me, {
    messages,
    status,
    toasts,
    dms,
    slowModeSelect,
    olderButton,
    moderationDialog,
    restrictions,
    isCurrent: (candidate) => candidate === client,
    signOut,
    resend: (content) => sendMessage(content),
  });
  client = c;
  c.connect().catch(() => {});
}

/**
 * Joins `room` and records it in the URL (for links and the back button).
 * @param {string} room
 */
function navigate(room) {
  setRoomInUrl(room);
  joinRoom(room);
}

byId("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = byId("join-input", HTMLInputElement);
  const room = input.value.trim();
  const problem = roomNameProblem(room);
  byId("join-error").textContent = problem ?? "";
  input.setAttribute("aria-invalid", problem ? "true" : "false");
  if (problem) return;
  input.value = "";
  navigate(room);
});

window.addEventListener("popstate", () => joinRoom(roomFromUrl() ?? DEFAULT_ROOM));
window.addEventListener("online", () => client?.reconnectNow());

// --- sending and history ----------------------------------------------------

/**
 * Shows `content` as pending at once, then delivered (ack) or failed (error).
 * @param {string} content
 */
function sendMessage(content) {
  const c = client;
  if (!c) return;
  sendTracked(
    messages,
    content,
    (cid) =>
      c.send(content, { cid }).then((ack) => {
        if (c.settings.slowModeMs > 0 && !c.canModerate) slowMode.start(c.settings.slowModeMs);
        return ack;
      }),
    (err) => {
      // The SDK rejects sends with a RoomcastError; a rate limit says when to try again.
      if (err instanceof RoomcastError && err.code === "rate_limited" && err.retryAfterMs) {
        slowMode.start(err.retryAfterMs);
      }
      toasts.show(describeError(err));
    },
    () => c !== client, // a room we already left
  );
}

wireUploads(() => client, messages, toasts);

wireComposer({
  form: byId("composer", HTMLFormElement),
  input: byId("composer-input", HTMLTextAreaElement),
  counter: byId("composer-count"),
  // The SDK ends the typing indicator with the message itself.
  onSend: (content) => sendMessage(content),
  onTyping: () => client?.typing(),
});
wireSidebar(byId("sidebar-toggle", HTMLButtonElement), byId("sidebar"));

slowModeSelect.addEventListener("change", () => {
  const intervalMs = Number(slowModeSelect.value);
  client?.setSlowMode(intervalMs).catch((err) => toasts.show(describeError(err)));
});

olderButton.addEventListener("click", async () => {
  const c = client;
  if (!c) return;
  olderButton.disabled = true;
  try {
    const page = await c.loadOlder(50);
    if (c !== client) return;
    messages.prependOlder(page.messages, (file) => c.fileUrl(file));
    olderButton.hidden = !page.hasMore;
  } catch (err) {
    toasts.show(describeError(err));
  } finally {
    olderButton.disabled = false;
  }
});

if (session) showChat();
else showSignIn();

// The composer sizes itself by the deployment's MAX_CONTENT_CHARS.
void loadLimits();

// The Roomcast demo: sign in, join a room, chat. Plain ES modules on top of
// the bundled SDK (public/vendor/, built from src/client by `npm run build:client`).
import { RoomcastClient, RoomcastError } from "../vendor/roomcast-client.js";
import { loadLimits, renderRooms, wireComposer, wireSidebar } from "./chat-ui.js";
import { isTokenRefusal, refusalText, resetConnection, showConnection } from "./connection-ui.js";
import { DirectMessages } from "./direct-messages.js";
import { byId } from "./dom.js";
import { MessageList } from "./message-list.js";
import {
  describeModeration,
  hideRemoved,
  memberActions,
  SlowModeCountdown,
  showRemoved,
} from "./moderation-ui.js";
import { renderPresence, typingText } from "./people.js";
import { DEFAULT_ROOM, rememberRoom, roomFromUrl, roomNameProblem, setRoomInUrl } from "./rooms.js";
import { sendTracked, trackRestored } from "./sending.js";
import {
  clearSession,
  DevAuthUnavailable,
  fetchDevToken,
  loadSession,
  nameFromToken,
  saveSession,
  tokenProvider,
  userIdFromToken,
} from "./session.js";
import { StatusView } from "./status.js";
import { describeError, Toasts } from "./toasts.js";
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

/** @type {import("./session.js").Session | undefined} */
let session = loadSession();
/** @type {RoomcastClient | undefined} */
let client;

// --- sign-in ---------------------------------------------------------------

byId("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = byId("signin-name", HTMLInputElement).value.trim();
  const pasted = byId("signin-token", HTMLTextAreaElement).value.trim();
  const error = byId("signin-error");
  error.textContent = "";
  try {
    if (pasted) {
      if (!userIdFromToken(pasted)) {
        error.textContent = "That does not look like a token (a JWT has three parts separated by dots).";
        return;
      }
      session = { token: pasted, name: nameFromToken(pasted), dev: false };
    } else if (name) {
      const role = byId("signin-moderator", HTMLInputElement).checked ? "moderator" : undefined;
      session = { token: await fetchDevToken(name, role), name, dev: true, ...(role ? { role } : {}) };
    } else {
      error.textContent = "Type a display name.";
      return;
    }
  } catch (err) {
    if (err instanceof DevAuthUnavailable) {
      byId("token-signin", HTMLDetailsElement).open = true;
      error.textContent = "This server has no development sign-in: paste a token instead.";
    } else {
      error.textContent = `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
    }
    return;
  }
  saveSession(session);
  showChat();
});

byId("signout").addEventListener("click", () => signOut());

/**
 * Back to the sign-in screen (with `why`, when the server refused the token).
 * @param {string} [why]
 */
function signOut(why = "") {
  client?.close();
  client = undefined;
  dms.stop();
  clearSession();
  session = undefined;
  showSignin();
  byId("signin-error").textContent = why;
}

function showSignin() {
  byId("chat").hidden = true;
  byId("signin").hidden = false;
  document.title = "Sign in · Roomcast";
  byId("signin-name").focus();
}

function showChat() {
  if (!session) return showSignin();
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

  resetConnection();
  const me = { id: userIdFromToken(session.token) ?? "", name: session.name };
  messages.me = me;
  const c = new RoomcastClient({
    url: location.origin,
    room,
    token: tokenProvider(session),
    // Unsent messages survive a room switch and a reload (sent again with their cid: exactly once).
    ...(me.id ? { persistOutbox: { storage: localStorage, user: me.id } } : {}),
    // A restarted server is found within a few seconds (the SDK's default cap is 30 s).
    reconnect: { maxDelayMs: 4000 },
  });
  client = c;
  trackRestored(c, messages, toasts, (content) => sendMessage(content));
  messages.canDelete = (author) => c.canModerate || author === c.user?.id;
  messages.onDelete = (seq) => c.deleteMessage(seq).catch((err) => toasts.show(describeError(err)));
  const showPeople = () =>
    renderPresence(
      byId("presence"),
      byId("people-count"),
      c.presence,
      c.user,
      (user) => dms.open(user),
      c.canModerate ? memberActions(c, toasts) : [],
    );
  let firstWelcome = true;
  let inWelcome = false;
  c.on("state", (s) => {
    if (c !== client) return;
    status.show(s);
    showConnection(s);
    if (s.status !== "closed") return;
    if (s.reason.kind === "kicked" || s.reason.error === "banned") showRemoved(s.reason);
    else if (isTokenRefusal(s.reason) && !session?.dev) signOut(`${refusalText(s.reason)} Sign in again.`);
    else if (s.reason.kind === "refused") toasts.show(refusalText(s.reason) ?? s.reason.reason);
    else if (s.reason.kind === "token-expired")
      toasts.show("Your session has expired. Sign out and sign in again.");
  });
  c.on("welcome", (w) => {
    messages.me = w.user;
    messages.refreshDeleteButtons();
    byId("slow-mode-control").hidden = !w.canModerate;
    slowModeSelect.value = String(w.settings.slowModeMs);
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
    // A kick or ban of this user shows as the removal screen instead.
    if (f.target?.id !== c.user?.id || (f.action !== "kick" && f.action !== "ban")) {
      toasts.show(describeModeration(f), "info");
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
else showSignin();

// The composer sizes itself by the deployment's MAX_CONTENT_CHARS.
void loadLimits();

// How the connection's state shows outside the status bar: the composer is
// enabled once the room has welcomed us (or the network is the only problem),
// the people list is marked out of date while offline, and a refused upgrade
// says why, sending a bad or expired pasted token back to the sign-in screen.
import { byId } from "./dom.js";

/**
 * What the server's refusal code means to the user.
 * @type {Record<string, string>}
 */
const REFUSALS = {
  token_invalid: "That token is not valid (it is malformed or was not signed for this server).",
  token_expired: "Your token has expired.",
  token_missing: "No token was given.",
  room_forbidden: "Your token does not allow this room.",
  origin_not_allowed: "This page's address is not allowed to connect to the chat server.",
  invalid_room: "That is not a valid room name.",
  agent_blocked: "This browser is not allowed to connect.",
  blocked: "Your address is blocked for now.",
};

/** @typedef {import("../vendor/roomcast-client.js").CloseInfo} CloseInfo */

/**
 * The user-facing text for a `closed` state's reason, or undefined when it is not a refusal.
 * @param {CloseInfo} reason
 */
export function refusalText(reason) {
  if (reason.kind !== "refused") return undefined;
  return (
    REFUSALS[reason.error ?? ""] ??
    `The server refused the connection (${reason.error ?? reason.status ?? reason.reason}).`
  );
}

/**
 * Whether a refusal means the signed-in token is no good (sign in again).
 * @param {CloseInfo} reason
 */
export function isTokenRefusal(reason) {
  return reason.kind === "refused" && (reason.status === 401 || reason.error?.startsWith("token_") === true);
}

/**
 * Follows one client's states: enables the composer after a welcome or once a
 * reconnect is under way (messages then wait in the outbox), disables it
 * before the first welcome and after the end, and greys out the people list
 * while not connected.
 * @param {import("../vendor/roomcast-client.js").ConnectionState} state
 */
export function showConnection(state) {
  const open = state.status === "open";
  // A reconnect after a wait is an outage (type on, it waits in the outbox); one
  // with no wait is a fresh token being tried after a refusal, not yet a chat.
  const usable = open || (state.status === "reconnecting" && state.delayMs > 0);
  const input = byId("composer-input", HTMLTextAreaElement);
  if (usable) input.disabled = false;
  else if (state.status === "closed" || input.dataset.welcomed !== "true") input.disabled = true;
  if (open) input.dataset.welcomed = "true";
  byId("presence").classList.toggle("stale", !open);
  byId("people-count").textContent = open ? byId("people-count").textContent : "(offline)";
}

/** Before a new room's client starts: nothing typed goes anywhere until it is welcomed. */
export function resetConnection() {
  const input = byId("composer-input", HTMLTextAreaElement);
  input.disabled = true;
  input.dataset.welcomed = "false";
}

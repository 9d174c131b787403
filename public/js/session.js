// Sign-in state for this browser tab (sessionStorage: closing the tab signs out).

const KEY = "roomcast.session";

/**
 * @typedef {{ token: string, name: string, dev: boolean, role?: "moderator" }} Session
 */

/** @returns {Session | undefined} */
export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

/** @param {Session} session */
export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** Thrown when the server has no dev sign-in (DEV_AUTH is off). */
export class DevAuthUnavailable extends Error {}

/**
 * Asks the worker for a development token (`POST /dev/token`), as a moderator
 * when `role` says so.
 * @param {string} name
 * @param {"moderator" | undefined} [role]
 * @returns {Promise<string>}
 */
export async function fetchDevToken(name, role) {
  const res = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(role ? { name, role } : { name }),
  });
  const body = await res.json().catch(() => ({}));
  // 404 dev_auth_off (no dev sign-in, or a real key is set), 403 dev_auth_local_only
  // (not on localhost): the server's message says why and what to do.
  if (res.status === 404 || body.error === "dev_auth_local_only") {
    throw new DevAuthUnavailable(body.message ?? "development sign-in is off on this server");
  }
  if (!res.ok) throw new Error(body.message ?? `sign-in failed (HTTP ${res.status})`);
  return body.token;
}

/**
 * The claims inside a token, unverified (the server verifies every connection),
 * or undefined when it is not a JWT at all.
 * @param {string} token
 */
function claimsOf(token) {
  try {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const json = atob((parts[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return claims && typeof claims === "object" ? claims : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The display name inside a token, for showing who is signed in.
 * @param {string} token
 */
export function nameFromToken(token) {
  const claims = claimsOf(token);
  return String(claims?.name ?? claims?.sub ?? "you");
}

/**
 * The user id (`sub`) inside a token, or undefined when the text is not a JWT
 * with one: what keys this user's stored outbox.
 * @param {string} token
 */
export function userIdFromToken(token) {
  const sub = claimsOf(token)?.sub;
  return typeof sub === "string" && sub.length > 0 ? sub : undefined;
}

/**
 * A token provider for the SDK: dev sessions get a fresh token when the old
 * one expired or was refused, or is about to expire (`refresh`: the SDK renews
 * it on the open socket); pasted tokens are returned as they are.
 * @param {Session} session
 * @returns {import("../vendor/roomcast-client.js").TokenProvider}
 */
export function tokenProvider(session) {
  return async (reason) => {
    if (session.dev && (reason === "expired" || reason === "refused" || reason === "refresh")) {
      session.token = await fetchDevToken(session.name, session.role);
      saveSession(session);
    }
    return session.token;
  };
}

/**
 * The dashboard's sign-in: an admin token kept for this tab (sessionStorage),
 * from the development sign-in (`POST /dev/token` with `role: "admin"`) or
 * pasted. Dev sessions fetch a fresh token when the old one is refused.
 */

const KEY = "roomcast.admin-session";

/** A signed-in operator. */
export interface AdminSession {
  token: string;
  /** Signed in with a display name through the development sign-in (so the token can be renewed). */
  devName?: string;
}

/** The API said the token is not (or no longer) good: 401. */
export class SignedOut extends Error {}

/** The token is valid but not an admin's: 403. */
export class NotAdmin extends Error {}

/** The tab's session, if any. */
export function loadSession(): AdminSession | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as AdminSession) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: AdminSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * An admin token from the development sign-in; throws with the server's
 * message (404 when development sign-in is off).
 */
export async function devAdminToken(name: string): Promise<string> {
  const res = await fetch("/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, role: "admin" }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (res.status === 404) throw new Error("Development sign-in is off on this server: paste an admin token.");
  if (!res.ok || !body.token) throw new Error(body.message ?? `Sign-in failed (HTTP ${res.status}).`);
  return body.token;
}

/**
 * GETs an admin endpoint as JSON. A refused dev token is renewed once;
 * 401 throws {@link SignedOut}, 403 {@link NotAdmin}.
 */
export async function adminGet<T>(session: AdminSession, path: string): Promise<T> {
  let res = await get(session, path);
  if (res.status === 401 && session.devName) {
    session.token = await devAdminToken(session.devName);
    saveSession(session);
    res = await get(session, path);
  }
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (res.status === 401) throw new SignedOut(body.message ?? "Your token was refused.");
  if (res.status === 403) throw new NotAdmin(body.message ?? "This needs an admin token.");
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

function get(session: AdminSession, path: string): Promise<Response> {
  return fetch(path, { headers: { Authorization: `Bearer ${session.token}` }, cache: "no-store" });
}

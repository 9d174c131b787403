// The sign-in screen: a display name (a development token from the worker, as
// a moderator when ticked) or a pasted token, with what went wrong said under
// the form. Signing out and what follows a sign-in are the page's (app.js).
import { byId } from "./dom.js";
import { DevAuthUnavailable, fetchDevToken, nameFromToken, userIdFromToken } from "./session.js";

/** @typedef {import("./session.js").Session} Session */

/**
 * Wires the sign-in form: `onSignedIn` gets the new session (not yet saved);
 * problems (no name, not a token, no dev sign-in on this server) are shown
 * under the form instead.
 * @param {(session: Session) => void} onSignedIn
 */
export function wireSignIn(onSignedIn) {
  byId("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const session = await sessionFromForm();
    if (session) onSignedIn(session);
  });
}

/**
 * The session the form asks for, or undefined after saying why there is none.
 * @returns {Promise<Session | undefined>}
 */
async function sessionFromForm() {
  const name = byId("signin-name", HTMLInputElement).value.trim();
  const pasted = byId("signin-token", HTMLTextAreaElement).value.trim();
  const error = byId("signin-error");
  error.textContent = "";
  try {
    if (pasted) {
      // Only the shape is checked here: the server verifies the token when the room connects.
      if (!userIdFromToken(pasted)) {
        error.textContent = "That does not look like a token (a JWT has three parts separated by dots).";
        return undefined;
      }
      return { token: pasted, name: nameFromToken(pasted), dev: false };
    }
    if (name) {
      const role = byId("signin-moderator", HTMLInputElement).checked ? "moderator" : undefined;
      return { token: await fetchDevToken(name, role), name, dev: true, ...(role ? { role } : {}) };
    }
    error.textContent = "Type a display name.";
    return undefined;
  } catch (err) {
    if (err instanceof DevAuthUnavailable) {
      // No dev sign-in here (production, or a local run with a real JWT_SECRET):
      // say why, as the server put it, and point at the token box instead.
      byId("token-signin", HTMLDetailsElement).open = true;
      error.textContent = `No development sign-in: ${err.message}. Paste a token from your backend below.`;
    } else {
      error.textContent = `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
    }
    return undefined;
  }
}

/**
 * Shows the sign-in screen (in place of the chat), the name box focused.
 * @param {string} [why]  shown under the form (why the last session ended); kept as is when omitted
 */
export function showSignIn(why) {
  byId("chat").hidden = true;
  byId("signin").hidden = false;
  document.title = "Sign in · Roomcast";
  byId("signin-name").focus();
  if (why !== undefined) byId("signin-error").textContent = why;
}

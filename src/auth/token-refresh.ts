/**
 * Token refresh on an open socket (`auth {token}` → `auth_ok {exp}`): the
 * checks every kind of socket (room or inbox) applies before it trusts a new
 * token. The connection keeps its old token unless every check passes.
 */
import { AuthError, KeysUnavailableError } from "./errors";
import { isRoomPermitted } from "./rooms-claim";
import type { Identity } from "./verify";
import { verifyWithEnv } from "./verify-env";

/** The refresh outcome: the new identity, or why the token was refused. */
export type RefreshOutcome =
  | { ok: true; identity: Identity }
  | { ok: false; code: "unauthorized" | "internal"; message: string };

/** What the socket is bound to: its user, and its room when it is a room socket. */
export interface RefreshScope {
  userId: string;
  room?: string | undefined;
}

/**
 * Verifies a refresh token for a socket of `scope.userId` (and `scope.room`).
 * Never throws: a refusal is an outcome the socket reports as an `error` frame.
 * @example const outcome = await checkRefreshToken(env, frame.token, { userId: att.user.id, room: att.room });
 */
export async function checkRefreshToken(
  env: Env,
  token: string,
  scope: RefreshScope,
): Promise<RefreshOutcome> {
  let identity: Identity;
  try {
    identity = await verifyWithEnv(env, token);
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, code: "unauthorized", message: err.message };
    if (err instanceof KeysUnavailableError) {
      return { ok: false, code: "internal", message: "tokens cannot be checked right now; retry shortly" };
    }
    console.error(`token refresh failed: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, code: "internal", message: "tokens cannot be checked right now" };
  }
  if (identity.id !== scope.userId) {
    return { ok: false, code: "unauthorized", message: "the token is for another user" };
  }
  if (scope.room !== undefined && !isRoomPermitted(identity.rooms, scope.room)) {
    return { ok: false, code: "unauthorized", message: "the token may not use this room" };
  }
  // The verifier tolerates a few seconds of clock skew; a refresh must extend, not lapse.
  if (identity.exp * 1000 <= Date.now()) {
    return { ok: false, code: "unauthorized", message: "the token has expired" };
  }
  return { ok: true, identity };
}

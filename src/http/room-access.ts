/**
 * The checks every room and inbox request passes in the worker after the
 * route's middleware (426, 400 room name, the guard), in the contract's refusal
 * order: origin (403), token (401), room permission (403, rooms only).
 * Refusing here is cheaper than waking an object.
 */
import { AuthError, KeysUnavailableError } from "../auth/errors";
import { resolveKeySource } from "../auth/keys";
import { isRoomPermitted } from "../auth/rooms-claim";
import type { Identity } from "../auth/verify";
import { verifyWithEnv } from "../auth/verify-env";
import { readConfig } from "../config";
import { HttpError } from "./http-error";
import { isOriginAllowed } from "./origin";
import { checkUserConnectBudget } from "./user-connect-budget";

/**
 * Verifies that `token` may use `room` (a valid name: `requireRoomName` ran), or
 * throws {@link HttpError}.
 * @example const identity = await checkRoomAccess(req, env, "general", token);
 */
export async function checkRoomAccess(
  req: Request,
  env: Env,
  room: string,
  token: string | undefined,
): Promise<Identity> {
  const identity = await authenticate(req, env, token);
  if (!isRoomPermitted(identity.rooms, room)) {
    throw new HttpError(403, "room_forbidden", "this token may not use this room");
  }
  return identity;
}

/**
 * Verifies the request's origin and `token` (an inbox needs no more), or throws
 * {@link HttpError}.
 * @example const identity = await authenticate(req, env, bearerToken(req));
 */
export async function authenticate(req: Request, env: Env, token: string | undefined): Promise<Identity> {
  const config = readConfig(env);
  if (!isOriginAllowed(req, config.allowedOrigins)) {
    // Readable from any origin (it carries nothing but the reason), so a page on a
    // wrong origin learns why through the SDK's refusal probe: a browser cannot
    // read a refused upgrade, and without this header not the probe's answer either.
    throw new HttpError(403, "origin_not_allowed", "this origin may not connect", {
      "Access-Control-Allow-Origin": "*",
    });
  }
  // Resolved before the token check, so a misconfigured key is a 503 even without a token.
  const url = new URL(req.url);
  resolveKeySource(env, url);
  if (!token) {
    throw new HttpError(401, "token_missing", "a token is required");
  }
  let identity: Identity;
  try {
    identity = await verifyWithEnv(env, token, url);
  } catch (err) {
    if (err instanceof AuthError) throw new HttpError(401, err.code, err.message);
    if (err instanceof KeysUnavailableError) {
      console.error(`token keys unavailable: ${err.message}`);
      throw new HttpError(503, "auth_unavailable", "tokens cannot be checked right now; retry shortly");
    }
    throw err;
  }
  await checkUserConnectBudget(req, env, identity.id);
  return identity;
}

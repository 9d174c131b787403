/**
 * Token verification with this deployment's keys and policy (issuer, audience,
 * longest lifetime), shared by every place that checks a token: room upgrades,
 * the HTTP API, and token refresh on an open socket.
 */
import { readConfig } from "../config";
import { resolveKeySource } from "./keys";
import { type Identity, verifyToken } from "./verify";

/**
 * Verifies `token` under the env's key source and policy; `url` is the request's
 * when the worker verifies (the development key is accepted on loopback hosts only).
 * Throws AuthError (a bad token), KeysUnavailableError (a JWKS outage) or ConfigError.
 * @example const identity = await verifyWithEnv(env, token, new URL(req.url));
 */
export async function verifyWithEnv(env: Env, token: string, url?: URL): Promise<Identity> {
  const source = resolveKeySource(env, url);
  return verifyToken(token, source, {
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    maxTtlSeconds: readConfig(env).jwtMaxTtlSeconds,
  });
}

/**
 * Chooses the verification key source from the env. Outside development there is
 * no fallback key: a missing or weak key is a configuration error (HTTP 503).
 */
import { ConfigError } from "../config";
import { devAuthState } from "./dev-auth";
import { jwksKeySource, type KeySource, MIN_SECRET_BYTES, secretKeySource } from "./verify";

interface KeyVars {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  DEV_JWT_SECRET?: string;
}

/**
 * The key source for this deployment: `JWT_JWKS_URL` if set, else `JWT_SECRET`,
 * else — only while development sign-in is on for `url` (`DEV_AUTH="true"` on a
 * loopback host, see dev-auth.ts) — the clearly named `DEV_JWT_SECRET`.
 * @example const source = resolveKeySource(env, new URL(req.url));
 */
export function resolveKeySource(env: Env, url?: URL): KeySource {
  const vars = env as KeyVars;
  if (vars.JWT_JWKS_URL) {
    try {
      return jwksKeySource(vars.JWT_JWKS_URL);
    } catch {
      throw new ConfigError("JWT_JWKS_URL is not a valid URL");
    }
  }
  const secret = vars.JWT_SECRET || (devAuthState(env, url) === "on" ? vars.DEV_JWT_SECRET : undefined);
  if (!secret) {
    throw new ConfigError("no signing key configured: set JWT_SECRET or JWT_JWKS_URL");
  }
  try {
    return secretKeySource(secret);
  } catch {
    throw new ConfigError(`the HS256 secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/**
 * The secret `POST /dev/token` signs with (development only), as bytes: only
 * ever `DEV_JWT_SECRET`. Callers check {@link devAuthState} first: with a real
 * key configured dev auth is off, so no one is handed a token signed with it.
 * @example const key = devSigningKey(env);
 */
export function devSigningKey(env: Env): Uint8Array {
  const vars = env as KeyVars;
  if (!vars.DEV_JWT_SECRET) throw new ConfigError("DEV_AUTH is on but DEV_JWT_SECRET is empty");
  try {
    return secretKeySource(vars.DEV_JWT_SECRET).key;
  } catch {
    throw new ConfigError(`DEV_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/**
 * Chooses the verification key source from the env. Outside development there is
 * no fallback key: a missing or weak key is a configuration error (HTTP 503).
 */
import { ConfigError, readConfig } from "../config";
import { jwksKeySource, type KeySource, MIN_SECRET_BYTES, secretKeySource } from "./verify";

interface KeyVars {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  DEV_JWT_SECRET?: string;
}

/**
 * The key source for this deployment: `JWT_JWKS_URL` if set, else `JWT_SECRET`,
 * else — only with `DEV_AUTH="true"` — the clearly named `DEV_JWT_SECRET`.
 * @example const source = resolveKeySource(env);
 */
export function resolveKeySource(env: Env): KeySource {
  const vars = env as KeyVars;
  if (vars.JWT_JWKS_URL) {
    try {
      return jwksKeySource(vars.JWT_JWKS_URL);
    } catch {
      throw new ConfigError("JWT_JWKS_URL is not a valid URL");
    }
  }
  const secret = vars.JWT_SECRET || (readConfig(env).devAuth ? vars.DEV_JWT_SECRET : undefined);
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
 * ever `DEV_JWT_SECRET`. With a real key configured beside `DEV_AUTH="true"`
 * (a staging environment, say) dev auth refuses to run rather than hand anyone
 * tokens signed with the real secret.
 * @example const key = devSigningKey(env);
 */
export function devSigningKey(env: Env): Uint8Array {
  const vars = env as KeyVars;
  if (vars.JWT_SECRET || vars.JWT_JWKS_URL) {
    throw new ConfigError("DEV_AUTH is on beside a real JWT_SECRET or JWT_JWKS_URL: turn DEV_AUTH off");
  }
  if (!vars.DEV_JWT_SECRET) throw new ConfigError("DEV_AUTH is on but DEV_JWT_SECRET is empty");
  try {
    return secretKeySource(vars.DEV_JWT_SECRET).key;
  } catch {
    throw new ConfigError(`DEV_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

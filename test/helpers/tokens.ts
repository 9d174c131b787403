/**
 * Real signed tokens for tests, made with jose and the secret the worker under
 * test is configured with (the dev secret `npm run dev` and the tests add,
 * scripts/dev-vars.json).
 */
import { generateKeyPair, SignJWT } from "jose";
import DEV_VARS from "../../scripts/dev-vars.json" with { type: "json" };

/** The dev-only signing secret (scripts/dev-vars.json). */
export const DEV_SECRET = DEV_VARS.DEV_JWT_SECRET;

/** Claims a test may set; `sub` and a one-hour `exp` are filled in when absent. */
export interface TestClaims {
  sub?: string;
  name?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  rooms?: string[];
  role?: string;
  iss?: string;
  aud?: string;
}

/**
 * An HS256 token with the given claims (pass `sub: undefined` explicitly to omit it).
 * @example await signTestToken({ sub: "alice" })
 */
export async function signTestToken(claims: TestClaims = {}, secret = DEV_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: `user-${crypto.randomUUID()}`,
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
}

/**
 * An ES256 token (kid `k1`, valid one hour) for JWKS tests; signed with a fresh
 * key unless one is given.
 * @example await signEs256Token("u1", privateKey)
 */
export async function signEs256Token(sub: string, privateKey?: CryptoKey): Promise<string> {
  const key = privateKey ?? (await generateKeyPair("ES256")).privateKey;
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .setExpirationTime("1h")
    .sign(key);
}

/** A room name no other test uses. */
export function freshRoom(prefix = "room"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
}

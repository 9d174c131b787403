/**
 * Token verification with jose. Two key sources, never mixed: an HS256 shared
 * secret, or a remote JWKS for RS256/ES256/EdDSA. The algorithm allowlist follows
 * the key source, so an HS256 token "signed" with a public key's bytes (the
 * classic algorithm-confusion attack) is refused before any key is used.
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import { AuthError, KeysUnavailableError } from "./errors";
import type { Role } from "./roles";

/** Where verification keys come from. */
export type KeySource = { kind: "secret"; key: Uint8Array } | { kind: "jwks"; getKey: JWTVerifyGetKey };

/** Checks applied to every token besides its signature. */
export interface VerifyPolicy {
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Tokens whose `exp` is further than this from now (or from `iat`) are refused. */
  maxTtlSeconds: number;
  /** Allowed clock skew for `exp`/`nbf`/`iat`. */
  clockToleranceSeconds?: number;
}

/** Who a verified token speaks for. */
export interface Identity {
  id: string;
  name: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  rooms?: string[] | undefined;
  role?: Role | undefined;
}

/** HS256 secrets shorter than this are a configuration error (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;

const SECRET_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA"];

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(100).optional(),
  exp: z.number(),
  iat: z.number().optional(),
  rooms: z.array(z.string().min(1).max(101)).max(100).optional(),
  role: z.enum(["admin", "moderator", "service"]).optional(),
});

// One remote key set per URL at module scope, so jose's key cache and cooldown
// survive across requests handled by the same isolate.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * A key source for a remote JWKS, created once per URL.
 * @example jwksKeySource("https://auth.example.com/.well-known/jwks.json")
 */
export function jwksKeySource(url: string): KeySource {
  let getKey = remoteKeySets.get(url);
  if (!getKey) {
    getKey = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, getKey);
  }
  return { kind: "jwks", getKey };
}

/**
 * A key source for an HS256 secret; throws if the secret is too short to be safe.
 * @example secretKeySource(env.JWT_SECRET)
 */
export function secretKeySource(secret: string): Extract<KeySource, { kind: "secret" }> {
  const known = secretSources.get(secret);
  if (known) return known;
  const key = new TextEncoder().encode(secret);
  if (key.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(`an HS256 secret needs at least ${MIN_SECRET_BYTES} bytes`);
  }
  const source = { kind: "secret", key } as const;
  secretSources.set(secret, source);
  return source;
}

// One source per secret at module scope (an isolate sees one or two secrets),
// so its imported HMAC key below is reused by every request of the isolate.
const secretSources = new Map<string, Extract<KeySource, { kind: "secret" }>>();

// jose imports a raw secret with crypto.subtle.importKey on every verification;
// the imported key is kept per secret's bytes instead (the key object, not a
// promise, so no request ever awaits another request's work).
const hmacKeys = new WeakMap<Uint8Array, CryptoKey>();

async function hmacVerifyKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Verifies `token` and returns the identity it carries, or throws {@link AuthError}.
 * @example const me = await verifyToken(jwt, secretKeySource(secret), { maxTtlSeconds: 86400 });
 */
export async function verifyToken(token: string, source: KeySource, policy: VerifyPolicy): Promise<Identity> {
  const tolerance = policy.clockToleranceSeconds ?? 5;
  let payload: unknown;
  try {
    const options = {
      algorithms: source.kind === "secret" ? SECRET_ALGORITHMS : JWKS_ALGORITHMS,
      // jose checks exp only when present; both claims are mandatory here.
      requiredClaims: ["exp", "sub"],
      clockTolerance: tolerance,
      ...(policy.issuer ? { issuer: policy.issuer } : {}),
      ...(policy.audience ? { audience: policy.audience } : {}),
    };
    const result =
      source.kind === "secret"
        ? await jwtVerify(token, await hmacVerifyKey(source.key), options)
        : await jwtVerify(token, source.getKey, options);
    payload = result.payload;
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      throw new AuthError("token_expired", "the token has expired");
    }
    if (isKeySetFailure(err)) {
      throw new KeysUnavailableError("the key set could not be fetched");
    }
    throw new AuthError("token_invalid", "the token could not be verified");
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    throw new AuthError("token_invalid", "the token's claims are malformed");
  }
  const { sub, name, exp, iat, rooms, role } = claims.data;
  const now = Date.now() / 1000;
  const longest = policy.maxTtlSeconds + tolerance;
  if (exp - now > longest || (iat !== undefined && exp - iat > longest)) {
    throw new AuthError("token_invalid", "the token's lifetime is longer than allowed");
  }
  return { id: sub, name: name ?? sub, exp, rooms, role };
}

/**
 * A failure of the remote key set rather than of the token: a timeout, a key
 * set that is not valid JSON/JWKS, or a network error (not a jose error at all).
 * An unknown `kid` stays a bad token.
 */
function isKeySetFailure(err: unknown): boolean {
  if (!(err instanceof errors.JOSEError)) return true;
  // jose's generic error is what a non-200 key set response raises.
  return (
    err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err.code === "ERR_JOSE_GENERIC"
  );
}

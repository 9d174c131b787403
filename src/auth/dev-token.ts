/**
 * Development tokens for `POST /dev/token` (only when `DEV_AUTH="true"`): the
 * same display name always maps to the same user id, so a reload is the same user.
 */
import { SignJWT } from "jose";
import type { Role } from "./roles";

/** Lifetime of a development token. */
export const DEV_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/**
 * The user id a display name maps to: a hash, so ids are stable and URL-safe.
 * @example await devUserId("Alice") === await devUserId("alice")
 */
export async function devUserId(name: string): Promise<string> {
  const bytes = new TextEncoder().encode(name.normalize("NFC").toLowerCase());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  return `dev-${hex}`;
}

/** Optional claims of a development token (`POST /dev/token` body). */
export interface DevClaims {
  role?: Role | undefined;
  rooms?: string[] | undefined;
}

/**
 * Signs an HS256 token for `name` with the development secret.
 * @example const token = await signDevToken("alice", secretBytes, { role: "moderator", rooms: ["support-*"] });
 */
export async function signDevToken(name: string, key: Uint8Array, claims: DevClaims = {}): Promise<string> {
  const extra = {
    ...(claims.role !== undefined ? { role: claims.role } : {}),
    ...(claims.rooms !== undefined ? { rooms: claims.rooms } : {}),
  };
  return new SignJWT({ name, ...extra })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(await devUserId(name))
    .setIssuedAt()
    .setExpirationTime(`${DEV_TOKEN_TTL_SECONDS}s`)
    .sign(key);
}

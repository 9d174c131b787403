/**
 * Signed, expiring download links: `/v1/files/:id?exp=<unix s>&sig=<base64url
 * HMAC-SHA256 of "id.exp">` keyed with `FILE_URL_SECRET`. The link is the
 * capability: whoever holds it may download until `exp`, so links are short-lived
 * and signed afresh every time a frame or page carries one. No link lives longer
 * than `FILE_URL_TTL_SECONDS`, whatever its `exp` says: one claiming more (signed
 * under an older, longer lifetime, or by whoever got the secret) is refused, and
 * what is served is cached for at most that long.
 */
import { ConfigError, readConfig } from "../config";
import { HmacSha256 } from "./hmac-sha256";

/** Shortest `FILE_URL_SECRET` accepted, in bytes (as for `JWT_SECRET`). */
export const MIN_FILE_URL_SECRET_BYTES = 32;

/**
 * How far a link's `exp` may lie past now + its lifetime: the signing object's
 * and the serving worker's clocks may differ by a little (and a Worker's clock
 * stands still while it waits on I/O); a minute is far more than that, and far
 * less than any lifetime worth stealing.
 */
export const LINK_CLOCK_SKEW_SECONDS = 60;

/** Why a link was refused, as the stable error code of the 403. */
export type LinkRefusal = "invalid_signature" | "url_expired";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Signs and checks file links with one secret. */
export class FileLinkSigner {
  readonly #mac: HmacSha256;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.#mac = new HmacSha256(encoder.encode(secret));
  }

  /**
   * A link to file `id` valid for `ttlSeconds` from `nowMs`.
   * @example signer.url("4f1c…", Date.now()) // "/v1/files/4f1c…?exp=1795678337&sig=…"
   */
  url(id: string, nowMs: number): string {
    const exp = Math.floor(nowMs / 1000) + this.ttlSeconds;
    return `/v1/files/${id}?exp=${exp}&sig=${this.#sign(id, exp)}`;
  }

  /**
   * Checks a link's `exp` and `sig` (as received in the query). The signature
   * is checked first, so a forged link is `invalid_signature` even when its exp
   * is also in the past; the comparison takes the same time wherever it differs.
   * A genuine link is `url_expired` past its `exp`, and also when its `exp` is
   * further ahead than a link lives (plus {@link LINK_CLOCK_SKEW_SECONDS}): by
   * today's lifetime it is no longer valid, and the remedy is the same (fetch
   * the entry again for a fresh link).
   */
  check(
    id: string,
    exp: string | undefined,
    sig: string | undefined,
    nowMs: number,
  ): LinkRefusal | undefined {
    if (exp === undefined || sig === undefined || !/^\d{1,15}$/.test(exp)) return "invalid_signature";
    const expected = encoder.encode(this.#sign(id, Number(exp)));
    const given = encoder.encode(sig);
    if (expected.length !== given.length || !crypto.subtle.timingSafeEqual(expected, given)) {
      return "invalid_signature";
    }
    const expSeconds = Number(exp);
    const ceiling = nowMs / 1000 + this.ttlSeconds + LINK_CLOCK_SKEW_SECONDS;
    return expSeconds * 1000 <= nowMs || expSeconds > ceiling ? "url_expired" : undefined;
  }

  /**
   * How long a response to a link expiring at `exp` (unix s) may be cached: until
   * the link expires, and never longer than a link lives.
   * @example signer.maxAgeSeconds(exp, Date.now()) // ≤ ttlSeconds
   */
  maxAgeSeconds(exp: number, nowMs: number): number {
    return Math.max(0, Math.min(this.ttlSeconds, Math.floor(exp - nowMs / 1000)));
  }

  #sign(id: string, exp: number): string {
    return base64url(this.#mac.sign(encoder.encode(`${id}.${exp}`)));
  }
}

const cache = new WeakMap<object, FileLinkSigner>();

/**
 * The signer for this deployment: `FILE_URL_SECRET` (a clearly named dev-only value
 * in wrangler.toml locally, a required secret in production). Missing or short →
 * {@link ConfigError} (503), never a fallback key.
 * @example const link = fileLinkSigner(env).url(id, Date.now());
 */
export function fileLinkSigner(env: Env): FileLinkSigner {
  const hit = cache.get(env);
  if (hit) return hit;
  const secret = (env as { FILE_URL_SECRET?: string }).FILE_URL_SECRET ?? "";
  if (encoder.encode(secret).length < MIN_FILE_URL_SECRET_BYTES) {
    throw new ConfigError(`FILE_URL_SECRET must be set to at least ${MIN_FILE_URL_SECRET_BYTES} bytes`);
  }
  const signer = new FileLinkSigner(secret, readConfig(env).fileUrlTtlSeconds);
  cache.set(env, signer);
  return signer;
}

/**
 * Signed, expiring download links: `/v1/files/:id?exp=<unix s>&sig=<base64url
 * HMAC-SHA256 of "id.exp">` keyed with `FILE_URL_SECRET`. The link is the
 * capability: whoever holds it may download until `exp`, so links are short-lived
 * and signed afresh every time a frame or page carries one.
 */
import { ConfigError, readConfig } from "../config";
import { HmacSha256 } from "./hmac-sha256";

/** Shortest `FILE_URL_SECRET` accepted, in bytes (as for `JWT_SECRET`). */
export const MIN_FILE_URL_SECRET_BYTES = 32;

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
    return Number(exp) * 1000 <= nowMs ? "url_expired" : undefined;
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

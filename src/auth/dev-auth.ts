/**
 * When development sign-in is on. `DEV_AUTH="true"` alone is not enough: it also
 * needs no real key beside it (a staging deployment with `JWT_SECRET` must never
 * hand out tokens), and — a second wall behind the deployable config, which has
 * dev auth off — a loopback host. A deployment that was given `DEV_AUTH="true"`
 * by mistake still refuses to mint or accept development tokens on its public
 * hostname, because Cloudflare routes requests by that name and never by
 * `localhost`.
 */
import { readConfig } from "../config";

interface DevVars {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
}

/** Why development sign-in is off, or `on`. */
export type DevAuthState = "on" | "off" | "real_key" | "not_loopback";

/**
 * True for `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8 and `[::1]`:
 * the names a request reaches only from the same machine.
 * @example isLoopbackHost(new URL(req.url).hostname)
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether `POST /dev/token` may sign, and the dev secret may verify, for a
 * request to `url`; `url` undefined (inside an object, reached only through
 * the worker, which already applied this check to the socket's upgrade) skips
 * the host test.
 * @example if (devAuthState(env, new URL(c.req.url)) === "on") …
 */
export function devAuthState(env: Env, url: URL | undefined): DevAuthState {
  if (!readConfig(env).devAuth) return "off";
  const vars = env as DevVars;
  if (vars.JWT_SECRET || vars.JWT_JWKS_URL) return "real_key";
  if (url && !isLoopbackHost(url.hostname)) return "not_loopback";
  return "on";
}

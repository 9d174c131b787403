/**
 * Renewing a token on the open socket before it expires. The client reads `exp` from the
 * token's payload (it only needs the time; the server verifies the signature)
 * and asks its token provider for a fresh one a margin before then, so a long
 * session never drops for a 4001.
 */
import type { ResolvedOptions } from "./options";
import { Timer } from "./timing";

/**
 * The `exp` claim (seconds) of a JWT, or undefined when it cannot be read.
 * @example tokenExpiry(jwt) // 1795712400
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const exp = (JSON.parse(atob(padded)) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long from `now` (ms) until a token expiring at `exp` (seconds) should be
 * renewed: `beforeMs` ahead of expiry, but never later than 90 % of the way
 * there (short-lived tokens), and never in the past.
 * @example refreshDelay(nowSeconds + 3600, now, 60_000) // ≈ 3,540,000
 */
export function refreshDelay(exp: number, now: number, beforeMs: number): number {
  const left = exp * 1000 - now;
  return Math.max(0, Math.min(left - beforeMs, left * 0.9));
}

/**
 * The renewal timer of one client: armed with each token the connection uses
 * (token providers only: a static token string cannot be renewed).
 * @example renewal.arm(token); // on every welcome and every auth_ok
 */
export class TokenRenewal {
  readonly #timer: Timer;

  constructor(
    private readonly options: Pick<ResolvedOptions, "timing" | "tokenIsStatic" | "tokenRefresh">,
    private readonly renew: () => Promise<unknown>,
  ) {
    this.#timer = new Timer(options.timing);
  }

  /** Schedules the renewal of `token` (replacing any scheduled one). */
  arm(token: string): void {
    const { tokenIsStatic, tokenRefresh, timing } = this.options;
    const exp = tokenExpiry(token);
    if (tokenIsStatic || tokenRefresh === false || exp === undefined) return;
    // A failed renewal is not fatal: the room closes with 4001 at exp, and the
    // reconnect asks the provider for a new token (reason `expired`).
    const delay = refreshDelay(exp, timing.now(), tokenRefresh.beforeExpiryMs);
    this.#timer.arm(() => void this.renew().catch(() => {}), delay);
  }

  /** Cancels the scheduled renewal (the socket is gone). */
  cancel(): void {
    this.#timer.cancel();
  }
}

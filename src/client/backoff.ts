/**
 * Reconnect delays: exponential backoff with "full jitter" (a uniformly random
 * delay between 0 and the exponential ceiling), which spreads a crowd of clients
 * that lost the same server over the whole window instead of letting them
 * return in synchronized waves.
 */

/** How the client waits between reconnect attempts. */
export interface ReconnectOptions {
  /** Ceiling of the first delay. Default 1000 ms. */
  baseDelayMs: number;
  /** No delay exceeds this. Default 30000 ms. */
  maxDelayMs: number;
  /**
   * Reconnect attempts after a drop before giving up (`closed` with kind
   * `gave-up`). Default `Infinity`. The counter restarts at every welcome.
   */
  maxAttempts: number;
  /**
   * `"full"`: random in [0, ceiling) (default). `"none"`: exactly the ceiling,
   * i.e. 1 s, 2 s, 4 s, … — with `maxAttempts: 5` this is the seed's behaviour.
   */
  jitter: "full" | "none";
  /**
   * Added to the delay after the server closed with 4008 (repeated rate-limit
   * violations), so the per-user token bucket has refilled. Default 30000 ms.
   */
  rateLimitedDelayMs: number;
}

/** The defaults of {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT: ReconnectOptions = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  jitter: "full",
  rateLimitedDelayMs: 30_000,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry after a drop).
 * @example backoffDelay(3, DEFAULT_RECONNECT, () => 0.5) // 4000: half of min(30000, 1000 * 2 ** 3)
 * @example backoffDelay(10, { ...DEFAULT_RECONNECT, jitter: "none" }, Math.random) // 30000
 */
export function backoffDelay(
  attempt: number,
  options: Pick<ReconnectOptions, "baseDelayMs" | "maxDelayMs" | "jitter">,
  random: () => number,
): number {
  // 2 ** attempt overflows to Infinity for huge attempts; Math.min keeps the cap.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt));
  if (options.jitter === "none") return ceiling;
  return Math.floor(random() * ceiling);
}

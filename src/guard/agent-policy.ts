/**
 * User-agent policy: the cheapest check of all (a header and a few substring
 * tests), so it runs first. It stops honest crawlers and off-the-shelf scanners,
 * which say who they are; a hostile client can send any User-Agent, which is why
 * the IP checks and strikes follow. No User-Agent at all is allowed: non-browser
 * clients (the Node SDK, curl in scripts) often send none.
 */

/**
 * Whether `userAgent` contains one of `blocked` (lower-cased substrings).
 * @example isAgentBlocked("Googlebot/2.1", ["bot"]) // true
 */
export function isAgentBlocked(userAgent: string | null, blocked: readonly string[]): boolean {
  if (userAgent === null || blocked.length === 0) return false;
  const ua = userAgent.toLowerCase();
  return blocked.some((pattern) => ua.includes(pattern));
}

/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on a
 * WebSocket upgrade, so a page on another site is refused unless listed in
 * `ALLOWED_ORIGINS`. The worker's own origin (the demo in public/) is always
 * allowed. A request with no `Origin` is a non-browser client: allowed, because
 * tokens are bearer tokens, never cookies, so there is no ambient credential to steal.
 */

/**
 * Whether the request's `Origin` may open a socket or call the API.
 * @example isOriginAllowed(req, ["https://app.example.com"])
 */
export function isOriginAllowed(req: Request, allowed: readonly string[]): boolean {
  const origin = req.headers.get("Origin");
  if (origin === null) return true;
  if (origin === new URL(req.url).origin) return true;
  return allowed.includes(origin);
}

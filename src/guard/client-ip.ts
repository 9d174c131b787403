/**
 * The client's address, for the guard. Only `CF-Connecting-IP` counts: Cloudflare
 * sets it on every request that reaches the worker from the internet and drops
 * any value a client sent, while `X-Forwarded-For` is whatever the client wrote.
 * A request without it did not come through the edge (a service binding, or a
 * test calling the worker directly): the per-IP checks have no key and are skipped.
 */
import { ipKey } from "./ip-key";

/**
 * The guard's key for the client (see `ip-key.ts`: IPv4 as is, IPv6 per /64),
 * or undefined when the request did not come through the edge.
 * @example clientIp(new Request(url, { headers: { "CF-Connecting-IP": "203.0.113.7" } })) // "203.0.113.7"
 */
export function clientIp(req: Request): string | undefined {
  const ip = req.headers.get("CF-Connecting-IP")?.trim();
  return ip ? ipKey(ip) : undefined;
}

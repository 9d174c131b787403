/**
 * The three token transports of wire contract v1, in order of preference:
 * `Authorization: Bearer` (non-browser clients), the `bearer.<jwt>` subprotocol
 * entry beside `roomcast.v1` (browsers cannot set headers on a WebSocket), and
 * `?token=` (simple clients; it can end up in access logs, see docs/security.md).
 */
import { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from "../protocol/codes";

/** The token a request carries, and whether it offered the `roomcast.v1` subprotocol. */
export interface TokenCarrier {
  token: string | undefined;
  /** The client offered `roomcast.v1`: the 101 response must name it. */
  offersSubprotocol: boolean;
  /** Subprotocols were offered, but not `roomcast.v1`: a browser would reject our answer. */
  offersOnlyOtherSubprotocols: boolean;
}

/**
 * Reads the token from a request, trying each transport in order.
 * @example extractToken(new Request(url, { headers: { Authorization: `Bearer ${jwt}` } }))
 */
export function extractToken(req: Request): TokenCarrier {
  const offered = (req.headers.get("Sec-WebSocket-Protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const offersSubprotocol = offered.includes(SUBPROTOCOL);
  const result = {
    offersSubprotocol,
    offersOnlyOtherSubprotocols: offered.length > 0 && !offersSubprotocol,
  };
  const auth = req.headers.get("Authorization");
  if (auth !== null) return { token: bearerToken(req), ...result };
  const fromProtocol = offered.find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  if (fromProtocol !== undefined) {
    return { token: fromProtocol.slice(BEARER_SUBPROTOCOL_PREFIX.length), ...result };
  }
  const fromQuery = new URL(req.url).searchParams.get("token");
  return { token: fromQuery ?? undefined, ...result };
}

/**
 * The token of an `Authorization: Bearer <jwt>` header, if that is what it holds
 * (the only transport of the HTTP API).
 * @example bearerToken(new Request(url, { headers: { Authorization: "Bearer abc" } })) // "abc"
 */
export function bearerToken(req: Request): string | undefined {
  const auth = req.headers.get("Authorization");
  return auth === null ? undefined : /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
}

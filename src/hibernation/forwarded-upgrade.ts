/**
 * How the worker tells a room or an inbox who is connecting. The worker
 * verifies the token, then forwards the raw upgrade with these headers set
 * (overwriting anything a client sent under the same names), so the object
 * never parses tokens itself. Objects are reachable only through the worker,
 * so the headers cannot be forged.
 *
 * The identity travels as base64url of its UTF-8 JSON: names and ids may hold
 * any Unicode (accents, CJK, right-to-left scripts, emoji), and the Fetch
 * standard allows only bytes 0x00-0xFF in header values (workerd warns about
 * raw UTF-8 and a stricter runtime may refuse it). base64url keeps the value
 * ASCII and its length predictable.
 */
import type { Identity } from "../auth/verify";

const IDENTITY_HEADER = "X-Roomcast-Identity";
const ROOM_HEADER = "X-Roomcast-Room";
const SUBPROTOCOL_HEADER = "X-Roomcast-Subprotocol";
const CLIENT_IP_HEADER = "X-Roomcast-Client-IP";

/** What an object learns about an upgrade from the worker. */
export interface ForwardedUpgrade {
  /** The room being joined; absent for an inbox. */
  room?: string | undefined;
  identity: Identity;
  /** The client offered `roomcast.v1` and the 101 must answer with it. */
  answerSubprotocol: boolean;
  /** CF-Connecting-IP, for strikes against the connection (absent off the edge). */
  ip?: string | undefined;
}

/**
 * A copy of `req` carrying the verified identity, for `stub.fetch`.
 * @example stub.fetch(withForwardedIdentity(req, { room, identity, answerSubprotocol }))
 */
export function withForwardedIdentity(req: Request, upgrade: ForwardedUpgrade): Request {
  const headers = new Headers(req.headers);
  headers.set(IDENTITY_HEADER, encodeIdentity(upgrade.identity));
  if (upgrade.room !== undefined) headers.set(ROOM_HEADER, upgrade.room);
  else headers.delete(ROOM_HEADER);
  headers.set(SUBPROTOCOL_HEADER, upgrade.answerSubprotocol ? "1" : "0");
  if (upgrade.ip !== undefined) headers.set(CLIENT_IP_HEADER, upgrade.ip);
  else headers.delete(CLIENT_IP_HEADER);
  return new Request(req, { headers });
}

/**
 * Reads what {@link withForwardedIdentity} set; undefined if the request did not
 * come through the worker or is not a WebSocket upgrade.
 */
export function readForwardedUpgrade(req: Request): ForwardedUpgrade | undefined {
  const identity = req.headers.get(IDENTITY_HEADER);
  if (identity === null || req.headers.get("Upgrade")?.toLowerCase() !== "websocket") return undefined;
  return {
    room: req.headers.get(ROOM_HEADER) ?? undefined,
    identity: decodeIdentity(identity),
    answerSubprotocol: req.headers.get(SUBPROTOCOL_HEADER) === "1",
    ip: req.headers.get(CLIENT_IP_HEADER) ?? undefined,
  };
}

/**
 * The header form of an identity: base64url (no padding) of its UTF-8 JSON.
 * @example encodeIdentity({ id: "u1", name: "Zoë", exp: 1 }) // "eyJpZCI6InUxIi…"
 */
export function encodeIdentity(identity: Identity): string {
  let binary = "";
  for (const b of new TextEncoder().encode(JSON.stringify(identity))) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The identity {@link encodeIdentity} wrote (only the worker writes it: no validation beyond that). */
export function decodeIdentity(value: string): Identity {
  const binary = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Identity;
}

/** The answer to a request that did not come through the worker's upgrade route. */
export function notFoundResponse(): Response {
  return Response.json({ error: "not_found", message: "no such endpoint" }, { status: 404 });
}

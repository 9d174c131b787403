/**
 * How the worker tells a room who is connecting. The worker verifies the token,
 * then forwards the raw upgrade with these headers set (overwriting anything a
 * client sent under the same names), so the room never parses tokens itself.
 * Rooms are reachable only through the worker, so the headers cannot be forged.
 */
import type { Identity } from "../auth/verify";

const IDENTITY_HEADER = "X-Roomcast-Identity";
const ROOM_HEADER = "X-Roomcast-Room";
const SUBPROTOCOL_HEADER = "X-Roomcast-Subprotocol";

/** What a room learns about an upgrade from the worker. */
export interface ForwardedUpgrade {
  room: string;
  identity: Identity;
  /** The client offered `roomcast.v1` and the 101 must answer with it. */
  answerSubprotocol: boolean;
}

/**
 * A copy of `req` carrying the verified identity, for `stub.fetch`.
 * @example stub.fetch(withForwardedIdentity(req, { room, identity, answerSubprotocol }))
 */
export function withForwardedIdentity(req: Request, upgrade: ForwardedUpgrade): Request {
  const headers = new Headers(req.headers);
  headers.set(IDENTITY_HEADER, JSON.stringify(upgrade.identity));
  headers.set(ROOM_HEADER, upgrade.room);
  headers.set(SUBPROTOCOL_HEADER, upgrade.answerSubprotocol ? "1" : "0");
  return new Request(req, { headers });
}

/**
 * Reads what {@link withForwardedIdentity} set; undefined if the request did not
 * come through the worker.
 */
export function readForwardedIdentity(req: Request): ForwardedUpgrade | undefined {
  const identity = req.headers.get(IDENTITY_HEADER);
  const room = req.headers.get(ROOM_HEADER);
  if (identity === null || room === null) return undefined;
  return {
    room,
    identity: JSON.parse(identity) as Identity,
    answerSubprotocol: req.headers.get(SUBPROTOCOL_HEADER) === "1",
  };
}

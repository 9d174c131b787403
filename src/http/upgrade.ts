/**
 * The parts of a WebSocket upgrade route that rooms and inboxes share: the
 * 426 for plain requests, the `since` and subprotocol checks, and the
 * forwarding of the raw upgrade to the object (which accepts the socket with
 * the Hibernation API; accepting it here would pin the worker and never
 * hibernate).
 */
import type { TokenCarrier } from "../auth/transport";
import type { Identity } from "../auth/verify";
import { clientIp } from "../guard/client-ip";
import { withForwardedIdentity } from "../hibernation/forwarded-upgrade";
import { querySeq } from "../protocol/schemas";
import { HttpError } from "./http-error";

/** Throws 426 unless `req` asks for a WebSocket upgrade (the first refusal of every upgrade route). */
export function requireUpgrade(req: Request): void {
  if (req.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError(426, "upgrade_required", "this endpoint needs a WebSocket upgrade");
  }
}

/** Throws 400 for a malformed `since` (the last seq the client saw). */
export function checkSince(since: string | undefined): void {
  if (since !== undefined && !querySeq.safeParse(since).success) {
    throw new HttpError(400, "invalid_query", "since is the last seq you saw (a non-negative integer)");
  }
}

/**
 * Forwards an authenticated upgrade to `stub` (after the subprotocol check,
 * the last refusal).
 * @example return forwardUpgrade(req, env.USER.getByName(identity.id), identity, carrier);
 */
export function forwardUpgrade(
  req: Request,
  stub: { fetch(req: Request): Promise<Response> },
  identity: Identity,
  carrier: TokenCarrier,
  room?: string,
): Promise<Response> {
  if (carrier.offersOnlyOtherSubprotocols) {
    throw new HttpError(400, "unsupported_subprotocol", "offer the roomcast.v1 subprotocol");
  }
  return stub.fetch(
    withForwardedIdentity(req, {
      room,
      identity,
      answerSubprotocol: carrier.offersSubprotocol,
      // For strikes the object reports against this connection's address.
      ip: clientIp(req),
    }),
  );
}

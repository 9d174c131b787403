/**
 * The parts of a WebSocket upgrade route that rooms and inboxes share: the
 * 426 for plain requests, the `since` and subprotocol checks, and the
 * forwarding of the raw upgrade to the object (which accepts the socket with
 * the Hibernation API; accepting it here would pin the worker and never
 * hibernate). Also the CORS rule of the HTTP history endpoints.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { TokenCarrier } from "../auth/transport";
import type { Identity } from "../auth/verify";
import { readConfig } from "../config";
import { clientIp } from "../guard/client-ip";
import { withForwardedIdentity } from "../hibernation/forwarded-upgrade";
import { querySeq } from "../protocol/schemas";
import { HttpError } from "./http-error";
import { isOriginAllowed } from "./origin";

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

/**
 * CORS for the HTTP history endpoints: pages on the allowed origins may read
 * them from the browser (the client SDK also uses the room's to learn why an
 * upgrade was refused). Bearer tokens are not cookies, so credentials mode stays off.
 */
export function historyCors(): MiddlewareHandler<{ Bindings: Env }> {
  return cors({
    origin: (origin, c) => (isOriginAllowed(c.req.raw, readConfig(c.env).allowedOrigins) ? origin : null),
    allowMethods: ["GET"],
    allowHeaders: ["Authorization"],
    maxAge: 600,
  });
}

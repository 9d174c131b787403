/**
 * Room endpoints: the WebSocket upgrade and the history page. Both authenticate
 * here and hand the request to the room's object, which owns all room state.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { bearerToken, extractToken } from "../auth/transport";
import { readConfig } from "../config";
import { withForwardedIdentity } from "../hibernation/forwarded-upgrade";
import { PRESENCE_DIFF_QUERY } from "../protocol/codes";
import { historyQuerySchema, querySeq } from "../protocol/schemas";
import { HttpError } from "./http-error";
import { isOriginAllowed } from "./origin";
import { checkRoomAccess } from "./room-access";

/** `/v1/rooms/:room/...` routes. */
export const roomsRoutes = new Hono<{ Bindings: Env }>();

roomsRoutes.get("/:room/ws", async (c) => {
  const req = c.req.raw;
  if (req.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError(426, "upgrade_required", "this endpoint needs a WebSocket upgrade");
  }
  const room = c.req.param("room");
  const carrier = extractToken(req);
  const identity = await checkRoomAccess(req, c.env, room, carrier.token);
  const since = c.req.query("since");
  if (since !== undefined && !querySeq.safeParse(since).success) {
    throw new HttpError(400, "invalid_query", "since is the last seq you saw (a non-negative integer)");
  }
  const presence = c.req.query(PRESENCE_DIFF_QUERY.name);
  if (presence !== undefined && presence !== PRESENCE_DIFF_QUERY.value) {
    throw new HttpError(400, "invalid_query", `presence can only be "${PRESENCE_DIFF_QUERY.value}"`);
  }
  if (carrier.offersOnlyOtherSubprotocols) {
    throw new HttpError(400, "unsupported_subprotocol", "offer the roomcast.v1 subprotocol");
  }
  // The raw upgrade goes to the room, which accepts the socket with the
  // Hibernation API; accepting it here would pin the worker and never hibernate.
  const forwarded = withForwardedIdentity(req, {
    room,
    identity,
    answerSubprotocol: carrier.offersSubprotocol,
  });
  return c.env.ROOM.getByName(room).fetch(forwarded);
});

// Pages on the allowed origins may read history from the browser (the client SDK
// also uses this endpoint to learn why an upgrade was refused). Bearer tokens
// are not cookies, so credentials mode stays off.
roomsRoutes.use(
  "/:room/messages",
  cors({
    origin: (origin, c) => (isOriginAllowed(c.req.raw, readConfig(c.env).allowedOrigins) ? origin : null),
    allowMethods: ["GET"],
    allowHeaders: ["Authorization"],
    maxAge: 600,
  }),
);

roomsRoutes.get("/:room/messages", async (c) => {
  const req = c.req.raw;
  const room = c.req.param("room");
  await checkRoomAccess(req, c.env, room, bearerToken(req));
  const query = historyQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(400, "invalid_query", "before/after are seqs (one of them), limit is 1-100");
  }
  const page = await c.env.ROOM.getByName(room).history(query.data);
  return c.json({ room, ...page });
});

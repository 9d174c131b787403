/**
 * Room endpoints: the WebSocket upgrade, the history page and service
 * publishes. Each authenticates here and hands the request to the room's
 * object, which owns all room state.
 */
import { Hono } from "hono";
import { bearerToken, extractToken } from "../auth/transport";
import { PRESENCE_DIFF_QUERY } from "../protocol/codes";
import { refusalResponse } from "../protocol/refusal";
import { historyQuerySchema } from "../protocol/schemas";
import { apiCors } from "./api-cors";
import { guard } from "./guard-middleware";
import { HttpError } from "./http-error";
import { publishMessage } from "./publish-route";
import { checkRoomAccess } from "./room-access";
import { requireRoomName, upgradeOnly } from "./room-path";
import { checkSince, forwardUpgrade } from "./upgrade";

/** `/v1/rooms/:room/...` routes. */
export const roomsRoutes = new Hono<{ Bindings: Env }>();

// Refusal order: 426, 400 room, the guard (403 agent_blocked, 403 blocked, 429),
// then each route's origin, token and permission checks. CORS comes before the
// guard so a browser page can read the guard's refusals too.
roomsRoutes.use("/:room/ws", upgradeOnly);
// History pages (GET) and service publishes (POST, a JSON body).
roomsRoutes.use("/:room/messages", apiCors(["GET", "POST"], ["Authorization", "Content-Type"]));
// The moderator reads (moderation-routes.ts) share this router's guard, so their
// CORS is set here, before it.
roomsRoutes.use("/:room/moderation", apiCors());
roomsRoutes.use("/:room/bans", apiCors());
roomsRoutes.use("/:room/mutes", apiCors());
roomsRoutes.use("/:room/*", requireRoomName, guard());

roomsRoutes.get("/:room/ws", async (c) => {
  const req = c.req.raw;
  const room = c.req.param("room");
  const carrier = extractToken(req);
  const identity = await checkRoomAccess(req, c.env, room, carrier.token);
  checkSince(c.req.query("since"));
  const presence = c.req.query(PRESENCE_DIFF_QUERY.name);
  if (presence !== undefined && presence !== PRESENCE_DIFF_QUERY.value) {
    throw new HttpError(400, "invalid_query", `presence can only be "${PRESENCE_DIFF_QUERY.value}"`);
  }
  return forwardUpgrade(req, c.env.ROOM.getByName(room), identity, carrier, room);
});

roomsRoutes.get("/:room/messages", async (c) => {
  const req = c.req.raw;
  const room = c.req.param("room");
  const identity = await checkRoomAccess(req, c.env, room, bearerToken(req));
  const query = historyQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(400, "invalid_query", "before/after are seqs (one of them), limit is 1-100");
  }
  // The room answers with the page, or with the ban that refuses this reader
  // (the SDK's refusal probe relies on this endpoint refusing what the upgrade refuses).
  const result = await c.env.ROOM.getByName(room).history(query.data, identity);
  if ("refused" in result) return refusalResponse(result.refused);
  return c.json({ room, ...result });
});

roomsRoutes.post("/:room/messages", publishMessage);

/**
 * Moderator HTTP: a room's audit log, its active bans and mutes. Authenticated like
 * every room request (room name, origin, token, rooms claim), then the role is
 * checked here at the edge: only `admin`, or `moderator` within its `rooms`,
 * gets past the worker. The room object answers from its own storage.
 */
import { Hono } from "hono";
import { z } from "zod";
import { canModerate } from "../auth/roles";
import { bearerToken } from "../auth/transport";
import type { Identity } from "../auth/verify";
import type { AuditPage, BanList, MuteList } from "../protocol/frames";
import { HISTORY_PAGE_MAX, querySeq } from "../protocol/schemas";
import { HttpError } from "./http-error";
import { checkRoomAccess } from "./room-access";

const auditQuerySchema = z.strictObject({
  before: querySeq.optional(),
  limit: querySeq.pipe(z.number().int().min(1).max(HISTORY_PAGE_MAX)).optional(),
});

/** `/v1/rooms/:room/moderation`, `/v1/rooms/:room/bans` and `/v1/rooms/:room/mutes`. */
export const moderationRoutes = new Hono<{ Bindings: Env }>();

// CORS, the room-name check and the guard for these paths run in rooms-routes.ts
// (mounted first on the same prefix), so a browser can read the guard's refusals too.

/** The caller's identity, if it may moderate `room`; otherwise a refusal. */
async function moderatorOf(req: Request, env: Env, room: string): Promise<Identity> {
  const identity = await checkRoomAccess(req, env, room, bearerToken(req));
  if (!canModerate(identity, room)) {
    throw new HttpError(403, "forbidden", "only moderators and admins of this room may read this");
  }
  return identity;
}

moderationRoutes.get("/:room/moderation", async (c) => {
  const room = c.req.param("room");
  await moderatorOf(c.req.raw, c.env, room);
  const query = auditQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(400, "invalid_query", "before is an entry id, limit is 1-100");
  }
  const page = await c.env.ROOM.getByName(room).moderationLog(query.data);
  return c.json({ room, ...page } satisfies AuditPage);
});

/** A moderator's request for a list that takes no query: the room's name. */
async function listRequest(req: Request, env: Env, room: string, query: object): Promise<string> {
  await moderatorOf(req, env, room);
  if (Object.keys(query).length > 0) {
    throw new HttpError(400, "invalid_query", "this endpoint takes no query");
  }
  return room;
}

moderationRoutes.get("/:room/bans", async (c) => {
  const room = await listRequest(c.req.raw, c.env, c.req.param("room"), c.req.query());
  const list = await c.env.ROOM.getByName(room).bans();
  return c.json({ room, ...list } satisfies BanList);
});

// Unmuting someone who is not in the room (so not in the people list) needs a list too.
moderationRoutes.get("/:room/mutes", async (c) => {
  const room = await listRequest(c.req.raw, c.env, c.req.param("room"), c.req.query());
  const list = await c.env.ROOM.getByName(room).mutes();
  return c.json({ room, ...list } satisfies MuteList);
});

/**
 * Inbox endpoints: the WebSocket upgrade into the caller's own inbox and a
 * page of one conversation. The inbox is the token's `sub`: nobody can open
 * another user's inbox. Same transports, origin rules and refusal order as
 * rooms, minus the room name and room permission.
 */
import { Hono } from "hono";
import { bearerToken, extractToken } from "../auth/transport";
import { conversationQuerySchema } from "../protocol/schemas";
import { apiCors } from "./api-cors";
import { guard } from "./guard-middleware";
import { HttpError } from "./http-error";
import { authenticate } from "./room-access";
import { upgradeOnly } from "./room-path";
import { checkSince, forwardUpgrade } from "./upgrade";

/** `/v1/inbox/...` routes. */
export const inboxRoutes = new Hono<{ Bindings: Env }>();

// 426, then the guard (as for rooms), then origin and token in the handlers.
inboxRoutes.use("/ws", upgradeOnly);
inboxRoutes.use("/messages", apiCors());
inboxRoutes.use("*", guard());

inboxRoutes.get("/ws", async (c) => {
  const req = c.req.raw;
  const carrier = extractToken(req);
  const identity = await authenticate(req, c.env, carrier.token);
  checkSince(c.req.query("since"));
  return forwardUpgrade(req, c.env.USER.getByName(identity.id), identity, carrier);
});

inboxRoutes.get("/messages", async (c) => {
  const req = c.req.raw;
  const identity = await authenticate(req, c.env, bearerToken(req));
  const query = conversationQuerySchema.safeParse(c.req.query());
  if (!query.success) {
    throw new HttpError(
      400,
      "invalid_query",
      "with is a user id; before/after are seqs (one of them), limit is 1-100",
    );
  }
  const { with: peer, ...page } = query.data;
  return c.json(await c.env.USER.getByName(identity.id).conversation(peer, page));
});

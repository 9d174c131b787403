/**
 * Shape checks that precede the guard in the refusal order: 426 (an upgrade
 * endpoint without an upgrade), then 400 (room name). They cost nothing, so
 * they answer malformed requests before anything else.
 */
import type { MiddlewareHandler } from "hono";
import { isValidRoomName } from "../protocol/room-name";
import { HttpError } from "./http-error";
import { requireUpgrade } from "./upgrade";

/**
 * 426 unless the request is a WebSocket upgrade.
 * @example roomsRoutes.use("/:room/ws", upgradeOnly);
 */
export const upgradeOnly: MiddlewareHandler = async function upgradeOnly(c, next) {
  requireUpgrade(c.req.raw);
  await next();
};

/**
 * 400 unless `:room` is a valid room name.
 * @example roomsRoutes.use("/:room/*", requireRoomName);
 */
export const requireRoomName: MiddlewareHandler = async function requireRoomName(c, next) {
  if (!isValidRoomName(c.req.param("room") ?? "")) {
    throw new HttpError(400, "invalid_room", "room names are 1-100 of A-Z a-z 0-9 _ -");
  }
  await next();
};

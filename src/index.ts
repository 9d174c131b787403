/**
 * Worker entry: the Hono app answers requests; the room object class is
 * exported so the runtime can instantiate it for the `ROOM` binding.
 */
import { app } from "./http/app";

export { RoomDO } from "./room/room-do";

export default app satisfies ExportedHandler<Env>;

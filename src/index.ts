/**
 * Worker entry: the Hono app answers requests; the object classes are
 * exported so the runtime can instantiate them for the `ROOM` and `USER` bindings.
 */
import { app } from "./http/app";

export { RoomDO } from "./room/room-do";
export { UserDO } from "./user/user-do";

export default app satisfies ExportedHandler<Env>;

/**
 * Worker entry: the Hono app answers requests; the object classes are exported
 * so the runtime can instantiate them for the `ROOM`, `USER`, `GUARD` and `STATS` bindings.
 */
import { app } from "./http/app";

export { GuardDO } from "./guard/guard-do";
export { RoomDO } from "./room/room-do";
export { StatsDO } from "./stats/stats-do";
export { UserDO } from "./user/user-do";

export default app satisfies ExportedHandler<Env>;

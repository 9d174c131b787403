/**
 * Worker entry: the Hono app answers requests, the cron trigger asks the stats
 * object to check its alerts; the object classes are exported so the runtime
 * can instantiate them for the `ROOM`, `USER`, `GUARD` and `STATS` bindings.
 */
import { app } from "./http/app";
import { statsObject } from "./stats/stats-client";

export { GuardDO } from "./guard/guard-do";
export { RoomDO } from "./room/room-do";
export { StatsDO } from "./stats/stats-do";
export { UserDO } from "./user/user-do";

export default {
  fetch: app.fetch,
  scheduled(_controller, env, ctx) {
    // Reads only the stats object (never a room): the alert rules, and the webhook.
    ctx.waitUntil(statsObject(env).evaluateAlerts());
  },
} satisfies ExportedHandler<Env>;

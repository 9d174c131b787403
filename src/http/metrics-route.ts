/**
 * `GET /metrics`: the stats in the Prometheus text format, for a scraper with
 * `Authorization: Bearer <METRICS_TOKEN>` or for an admin token. It reads the
 * stats object and the guard shards (for blocks), never a room.
 */
import { Hono } from "hono";
import { bearerToken } from "../auth/transport";
import { allGuards } from "../guard/guard-shard";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "../stats/prometheus";
import { statsObject } from "../stats/stats-client";
import { guard } from "./guard-middleware";
import { HttpError } from "./http-error";
import { authenticate } from "./room-access";

/** Whether `token` is the configured scrape token (compared in constant time). */
function isMetricsToken(env: Env, token: string): boolean {
  const expected = env.METRICS_TOKEN ?? "";
  if (expected === "") return false;
  const a = new TextEncoder().encode(token);
  const b = new TextEncoder().encode(expected);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/** Throws 401 (no or bad credentials) or 403 (a valid token without the admin role). */
async function checkScraper(req: Request, env: Env): Promise<void> {
  const token = bearerToken(req);
  if (token !== undefined && isMetricsToken(env, token)) return;
  const identity = await authenticate(req, env, token);
  if (identity.role !== "admin")
    throw new HttpError(403, "forbidden", "this needs an admin token or METRICS_TOKEN");
}

/** The `/metrics` route. */
export const metricsRoute = new Hono<{ Bindings: Env }>();

metricsRoute.use("/metrics", guard({ passBlocked: checkScraper }));

metricsRoute.get("/metrics", async (c) => {
  await checkScraper(c.req.raw, c.env);
  const [snapshot, blocks] = await Promise.all([
    statsObject(c.env).snapshot(),
    Promise.all(allGuards(c.env).map((g) => g.listBlocks())),
  ]);
  const blocksActive = blocks.reduce((n, shard) => n + shard.length, 0);
  return c.body(renderPrometheus(snapshot, blocksActive), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
});

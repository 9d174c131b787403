/**
 * `/v1/admin/*`: operator endpoints, for tokens with the `admin` role. The
 * stats (from the stats object; docs/operations.md documents the JSON) and the
 * IP blocks: list (across every guard shard), add, lift (an IPv6 address stands
 * for its /64, see ip-key.ts). A blocked IP may still
 * call these with a valid admin token, so an operator behind a blocked address
 * can lift the block.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { bearerToken } from "../auth/transport";
import type { Identity } from "../auth/verify";
import { readConfig } from "../config";
import { dropLeases } from "../guard/connect-lease";
import { allGuards, guardFor } from "../guard/guard-shard";
import { ipKey } from "../guard/ip-key";
import { statsObject } from "../stats/stats-client";
import { guard } from "./guard-middleware";
import { HttpError } from "./http-error";
import { authenticate } from "./room-access";

type AdminEnv = { Bindings: Env; Variables: { admin: Identity } };

/** Longest block an admin can set (a year); longer would be "forever" by accident. */
const MAX_ADMIN_BLOCK_MS = 365 * 24 * 60 * 60 * 1000;

const ipv6 = z.ipv6();

const blockBodySchema = z.strictObject({
  // An IPv6 address blocks its whole /64, the unit the guard counts (ip-key.ts);
  // the /64 itself may be written too, as the list shows it.
  ip: z.union([
    z.ipv4(),
    ipv6,
    z.string().refine((text) => text.endsWith("/64") && ipv6.safeParse(text.slice(0, -3)).success),
  ]),
  ttlMs: z.number().int().positive().max(MAX_ADMIN_BLOCK_MS).optional(),
  reason: z.string().trim().min(1).max(200).optional(),
});

async function adminIdentity(req: Request, env: Env): Promise<Identity> {
  const identity = await authenticate(req, env, bearerToken(req));
  if (identity.role !== "admin") throw new HttpError(403, "forbidden", "this needs an admin token");
  return identity;
}

const requireAdmin: MiddlewareHandler<AdminEnv> = async function requireAdmin(c, next) {
  c.set("admin", await adminIdentity(c.req.raw, c.env));
  await next();
};

/** `/v1/admin/...` routes. */
export const adminRoutes = new Hono<AdminEnv>();

adminRoutes.use("*", guard({ passBlocked: adminIdentity }), requireAdmin);

adminRoutes.get("/stats", async (c) => c.json(await statsObject(c.env).stats()));

adminRoutes.get("/blocks", async (c) => {
  const shards = await Promise.all(allGuards(c.env).map((g) => g.listBlocks()));
  return c.json({ blocks: shards.flat().sort((a, b) => a.until - b.until) });
});

adminRoutes.post("/blocks", async (c) => {
  const body = blockBodySchema.safeParse(await c.req.json().catch(() => undefined));
  if (!body.success) {
    throw new HttpError(
      400,
      "invalid_body",
      'send {"ip": "<IPv4, IPv6 or IPv6/64>", "ttlMs"?: <ms>, "reason"?: "<text>"}',
    );
  }
  const { ttlMs = readConfig(c.env).blockTtlMs, reason = "admin" } = body.data;
  const ip = ipKey(body.data.ip);
  const block = await guardFor(c.env, ip).block(ip, ttlMs, reason);
  dropLeases(ip);
  console.log(JSON.stringify({ event: "admin_block", ip, by: c.get("admin").id }));
  return c.json({ block }, 201);
});

adminRoutes.delete("/blocks/:ip", async (c) => {
  const ip = ipKey(c.req.param("ip"));
  if (!(await guardFor(c.env, ip).unblock(ip))) {
    throw new HttpError(404, "not_found", "this address is not blocked");
  }
  console.log(JSON.stringify({ event: "admin_unblock", ip, by: c.get("admin").id }));
  return c.json({ ip, lifted: true });
});

/**
 * `POST /dev/token`: local development sign-in. Exists only while
 * `DEV_AUTH="true"` (never in production, see wrangler.toml [env.production]).
 */
import { Hono } from "hono";
import { z } from "zod";
import { signDevToken } from "../auth/dev-token";
import { devSigningKey } from "../auth/keys";
import { readConfig } from "../config";
import { guard } from "./guard-middleware";
import { HttpError } from "./http-error";

const bodySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(32)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), "no control characters"),
  // Development sign-in as a moderator, an admin or a service (see docs/protocol.md).
  role: z.enum(["admin", "moderator", "service"]).optional(),
  // The `rooms` claim: exact room names or `prefix-*` patterns, as in real tokens.
  rooms: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,100}\*?$/))
    .min(1)
    .max(100)
    .optional(),
});

/** `/dev/...` routes. */
export const devRoutes = new Hono<{ Bindings: Env }>();

// Guarded like the API: a dev deployment exposed to a network is still a target.
devRoutes.use("*", guard());

devRoutes.post("/token", async (c) => {
  if (!readConfig(c.env).devAuth) {
    throw new HttpError(404, "not_found", "no such endpoint");
  }
  const raw = await c.req.json().catch(() => undefined);
  const body = bodySchema.safeParse(raw);
  if (!body.success) {
    throw new HttpError(
      400,
      "invalid_body",
      'send {"name": "<1-32 characters>", "role"?: "moderator" | "admin" | "service", "rooms"?: ["room", "prefix-*"]}',
    );
  }
  const { name, role, rooms } = body.data;
  const token = await signDevToken(name, devSigningKey(c.env), { role, rooms });
  return c.json({ token });
});

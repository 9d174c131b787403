/**
 * `POST /dev/token`: local development sign-in. Exists only while
 * `DEV_AUTH="true"` (never in production, see wrangler.toml [env.production]).
 */
import { Hono } from "hono";
import { z } from "zod";
import { signDevToken } from "../auth/dev-token";
import { devSigningKey } from "../auth/keys";
import { readConfig } from "../config";
import { HttpError } from "./http-error";

const bodySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(32)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), "no control characters"),
});

/** `/dev/...` routes. */
export const devRoutes = new Hono<{ Bindings: Env }>();

devRoutes.post("/token", async (c) => {
  if (!readConfig(c.env).devAuth) {
    throw new HttpError(404, "not_found", "no such endpoint");
  }
  const raw = await c.req.json().catch(() => undefined);
  const body = bodySchema.safeParse(raw);
  if (!body.success) {
    throw new HttpError(400, "invalid_body", 'send {"name": "<1-32 characters>"}');
  }
  const token = await signDevToken(body.data.name, devSigningKey(c.env));
  return c.json({ token });
});

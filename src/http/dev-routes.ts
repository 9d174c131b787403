/**
 * `POST /dev/token`: local development sign-in. Answers only while development
 * sign-in is on (dev-auth.ts: `DEV_AUTH="true"`, which only `npm run dev` and
 * the tests set, no real key, and a loopback host); the deployable config in
 * wrangler.toml has it off.
 */
import { Hono } from "hono";
import { z } from "zod";
import { devAuthState } from "../auth/dev-auth";
import { signDevToken } from "../auth/dev-token";
import { devSigningKey } from "../auth/keys";
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

const DEV_AUTH_OFF = {
  off: "development sign-in is off on this server: sign in with a token from your backend",
  real_key:
    "development sign-in is off because this server verifies real tokens (JWT_SECRET or JWT_JWKS_URL is set): sign in with a token from your backend",
} as const;

/** `/dev/...` routes. */
export const devRoutes = new Hono<{ Bindings: Env }>();

// Guarded like the API: a dev deployment exposed to a network is still a target.
devRoutes.use("*", guard());

devRoutes.post("/token", async (c) => {
  const state = devAuthState(c.env, new URL(c.req.url));
  if (state === "not_loopback") {
    // Loud in the log: a deployment with DEV_AUTH on is a mistake an operator must see.
    console.error("DEV_AUTH is on, but development sign-in answers only on localhost: refused");
    throw new HttpError(403, "dev_auth_local_only", "development sign-in works only on localhost");
  }
  if (state !== "on") throw new HttpError(404, "dev_auth_off", DEV_AUTH_OFF[state]);
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

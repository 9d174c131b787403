/**
 * CORS for the HTTP API: pages on the allowed origins (and the worker's own)
 * may call it from the browser. Bearer tokens are not cookies, so credentials
 * mode stays off. A page on any other origin passes the preflight only: the
 * request it then sends is refused `403 origin_not_allowed` before anything else
 * is looked at (room-access.ts), and that refusal alone is readable from any
 * origin, so the SDK can say why instead of "network error".
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { readConfig } from "../config";
import { isOriginAllowed } from "./origin";

/**
 * The one CORS policy of every API route; routes differ only in methods and headers.
 * @example routes.use("/:room/messages", apiCors());
 */
export function apiCors(
  allowMethods: string[] = ["GET"],
  allowHeaders: string[] = ["Authorization"],
): MiddlewareHandler<{ Bindings: Env }> {
  return cors({
    origin: (origin, c) => {
      if (isOriginAllowed(c.req.raw, readConfig(c.env).allowedOrigins)) return origin;
      return c.req.method === "OPTIONS" ? origin : null;
    },
    allowMethods,
    allowHeaders,
    maxAge: 600,
  });
}

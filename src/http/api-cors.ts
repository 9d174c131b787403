/**
 * CORS for the HTTP API: pages on the allowed origins (and the worker's own)
 * may call it from the browser. Bearer tokens are not cookies, so credentials
 * mode stays off.
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
    origin: (origin, c) => (isOriginAllowed(c.req.raw, readConfig(c.env).allowedOrigins) ? origin : null),
    allowMethods,
    allowHeaders,
    maxAge: 600,
  });
}

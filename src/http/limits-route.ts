/**
 * `GET /v1/limits`: the deployment's client-facing limits (no credentials: they
 * are no secret, and a sign-in page needs them before it has a token). Readable
 * from any origin, like `/health`: an app on another origin sizes its composer
 * from it.
 */
import { Hono } from "hono";
import { readConfig } from "../config";
import type { ServiceLimits } from "../protocol/requests";

/** Mounted at the root beside `/health`. */
export const limitsRoute = new Hono<{ Bindings: Env }>();

limitsRoute.get("/v1/limits", (c) => {
  const config = readConfig(c.env);
  c.header("Access-Control-Allow-Origin", "*");
  // Vars change only with a deploy; a minute of caching spares the worker a request per page load.
  c.header("Cache-Control", "public, max-age=60");
  return c.json({
    maxContentChars: config.maxContentChars,
    maxMessageBytes: config.maxMessageBytes,
    messagesPerMinute: config.rateLimitPerMinute,
    typingPerMinute: config.typingRatePerMinute,
    maxFileBytes: config.maxFileBytes,
    allowedFileTypes: config.allowedFileTypes,
    uploadsPerMinute: config.uploadsPerMinute,
  } satisfies ServiceLimits);
});

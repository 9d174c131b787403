/**
 * The worker: a thin Hono edge. It authenticates, validates and routes; every
 * room's state and policy live in that room's Durable Object, every user's
 * inbox in that user's.
 */
import { Hono } from "hono";
import { ConfigError } from "../config";
import { RefusalError, refusalResponse } from "../protocol/refusal";
import { VERSION } from "../version";
import { adminRoutes } from "./admin-routes";
import { devRoutes } from "./dev-routes";
import { fileRoutes } from "./download-route";
import { HttpError } from "./http-error";
import { inboxRoutes } from "./inbox-routes";
import { limitsRoute } from "./limits-route";
import { metricsRoute } from "./metrics-route";
import { moderationRoutes } from "./moderation-routes";
import { refusalCounter } from "./refusal-counter";
import { roomsRoutes } from "./rooms-routes";
import { staticFile } from "./static-files";
import { roomFileRoutes } from "./upload-route";

/** The Hono application served by the worker. */
export const app = new Hono<{ Bindings: Env }>();

// Every refusal is counted for the stats (after the response, never before it).
app.use("*", refusalCounter);
app.get("/health", (c) => c.json({ status: "ok", version: VERSION }));
app.route("/", limitsRoute);
// Uploads first: their route runs its own guard after CORS and body draining
// (see upload-route.ts), and answers before the other room routes' middleware.
app.route("/v1/rooms", roomFileRoutes);
app.route("/v1/rooms", roomsRoutes);
app.route("/v1/rooms", moderationRoutes);
app.route("/v1/inbox", inboxRoutes);
app.route("/v1/files", fileRoutes);
app.route("/v1/admin", adminRoutes);
app.route("/dev", devRoutes);
app.route("/", metricsRoute);

// The demo's files (no route matched them): served here, not by an asset router (see static-files.ts).
app.notFound(
  (c) =>
    staticFile(c.req.raw) ?? refusalResponse({ code: "not_found", status: 404, message: "no such endpoint" }),
);

app.onError((err, c) => {
  // Every refusal, thrown by a route or by the upload stream, is answered by the one function.
  if (err instanceof RefusalError) {
    return refusalResponse(err.refusal, err instanceof HttpError ? err.headers : undefined);
  }
  if (err instanceof ConfigError) {
    // The operator needs the reason; the client only that the service is misconfigured.
    console.error(`configuration error: ${err.message}`);
    return c.json({ error: "misconfigured", message: "the service is not configured" }, 503);
  }
  console.error(`unhandled error: ${err instanceof Error ? err.message : String(err)}`);
  return c.json({ error: "internal", message: "internal error" }, 500);
});

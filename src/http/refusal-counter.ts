/**
 * Counts and logs every refusal the worker answers (status ≥ 400) by status
 * and the body's `error` code, for `roomcast_refusals_total`; read from a copy
 * of the response after it is sent, so no request waits for it. The logged URL
 * has its credentials redacted (`?token=`, signed links' `sig`).
 */
import type { MiddlewareHandler } from "hono";
import { readConfig } from "../config";
import { clientIp } from "../guard/client-ip";
import { logEvent, redactUrl } from "../logging/log";
import { countRefusal, flushRefusals } from "../stats/refusal-tally";
import { background } from "./guard-middleware";

/**
 * Middleware for the whole app.
 * @example app.use("*", refusalCounter);
 */
export const refusalCounter: MiddlewareHandler<{ Bindings: Env }> = async function refusalCounter(c, next) {
  await next();
  const { status } = c.res;
  if (status < 400) return;
  const copy = c.res.clone();
  background(
    c,
    copy
      .json()
      .then(
        (body: unknown) => (body as { error?: unknown } | null)?.error,
        () => undefined,
      )
      .then((error) => {
        logEvent("refusal", {
          status,
          error,
          method: c.req.method,
          url: redactUrl(c.req.url),
          ip: clientIp(c.req.raw),
        });
        countRefusal(status, error);
        return flushRefusals(c.env, readConfig(c.env).statsFlushMs);
      }),
  );
};

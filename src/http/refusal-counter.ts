/**
 * Counts every refusal the worker answers (status ≥ 400) by status and the
 * body's `error` code, for `roomcast_refusals_total`; read from a copy of the
 * response after it is sent, so no request waits for the count.
 */
import type { MiddlewareHandler } from "hono";
import { readConfig } from "../config";
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
        countRefusal(status, error);
        return flushRefusals(c.env, readConfig(c.env).statsFlushMs);
      }),
  );
};

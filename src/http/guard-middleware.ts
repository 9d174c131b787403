/**
 * The abuse guard at the edge, cheapest check first and before any token
 * signature is verified: user agent (403 agent_blocked, a header test), then
 * one call to the IP's guard shard that answers both the IP block (403 blocked)
 * and the connect rate (429 too_many_connects, with Retry-After), or, while the
 * IP connects several times a second, a connect from the lease the shard gave
 * this isolate (`connect-lease.ts`). After the
 * route has run, a refused token (401) is reported to the shard, which turns
 * `TOKEN_FAILURE_STRIKE_AFTER` of them in a minute into a strike.
 */
import type { Context, MiddlewareHandler } from "hono";
import { readConfig } from "../config";
import { isAgentBlocked } from "../guard/agent-policy";
import { clientIp } from "../guard/client-ip";
import { admitConnect } from "../guard/connect-lease";
import { guardFor } from "../guard/guard-shard";
import { HttpError } from "./http-error";
import { markBusyAddress } from "./user-connect-budget";

type GuardEnv = { Bindings: Env };

/** Options of {@link guard}. */
export interface GuardOptions {
  /**
   * The route's own credential check (the admin API's, the metrics scraper's):
   * a request from a blocked IP goes through when it resolves and is refused
   * when it rejects, so an operator behind a blocked address can lift the block.
   */
  passBlocked?: (req: Request, env: Env) => Promise<unknown>;
}

/**
 * The guard middleware for upgrades and HTTP API calls.
 * @example roomsRoutes.use("/:room/*", guard());
 */
export function guard({ passBlocked }: GuardOptions = {}): MiddlewareHandler<GuardEnv> {
  return async function guardMiddleware(c, next) {
    // A CORS preflight carries no credentials and reaches nothing.
    if (c.req.method === "OPTIONS") return next();
    const config = readConfig(c.env);
    if (isAgentBlocked(c.req.header("User-Agent") ?? null, config.blockedUserAgents)) {
      throw new HttpError(403, "agent_blocked", "this client is not allowed");
    }
    const ip = clientIp(c.req.raw);
    if (ip === undefined) return next();
    const shard = guardFor(c.env, ip);
    const admission = await admitConnect(shard, ip);
    if (admission.ok && admission.busy) markBusyAddress(c.req.raw);
    if (!admission.ok) {
      if (admission.refusal === "too_many_connects") {
        throw new HttpError(429, "too_many_connects", "too many connects from this address; retry later", {
          "Retry-After": String(Math.ceil(admission.retryAfterMs / 1000)),
        });
      }
      const passes =
        passBlocked !== undefined &&
        (await passBlocked(c.req.raw, c.env).then(
          () => true,
          () => false,
        ));
      if (!passes) {
        throw new HttpError(403, "blocked", "this address is blocked");
      }
    }
    await next();
    if (c.res.status === 401) background(c, shard.tokenFailure(ip));
  };
}

/** Runs `work` after the response, without delaying it; failures are logged, never sent. */
export function background(c: Context<GuardEnv>, work: Promise<unknown>): void {
  const logged = work.catch((err: unknown) => {
    console.error(`guard report failed: ${err instanceof Error ? err.message : String(err)}`);
  });
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    // No execution context (a direct app.request in a test): the promise still runs.
  }
}

/**
 * The per-user connect budget (`USER_CONNECT_RATE_PER_MINUTE`), beside the
 * per-address one the guard middleware applies before any token is verified.
 * Many people share an address (an office, a school, a mobile carrier), so the
 * address gets a generous limit (`CONNECT_RATE_PER_MINUTE`) and each user behind
 * it a budget of their own: one person with forty rooms open who reloads a few
 * times fits, a flood from one address or one account does not.
 *
 * The user's budget is checked after the token is verified, and only when the
 * address is busy (it made more connects in the window than one user may): on a
 * quieter address no user can be over their budget, and the connect costs no
 * second call. From a busy address it costs one call to the user's guard shard,
 * or none while this isolate holds a lease for that user (connect-lease.ts).
 */
import { admitConnect } from "../guard/connect-lease";
import { guardFor } from "../guard/guard-shard";
import { HttpError } from "./http-error";

/** Requests whose address the guard found busy (set by the guard middleware). */
const busy = new WeakSet<Request>();

/**
 * Notes that `req` came from a busy address: its user's budget is checked once known.
 * @example if (admission.busy) markBusyAddress(c.req.raw);
 */
export function markBusyAddress(req: Request): void {
  busy.add(req);
}

/**
 * Refuses `429 too_many_connects` when `userId` is over their budget (checked only
 * for a request from a busy address).
 * @example await checkUserConnectBudget(req, env, identity.id);
 */
export async function checkUserConnectBudget(req: Request, env: Env, userId: string): Promise<void> {
  if (!busy.has(req)) return;
  const key = `user:${userId}`;
  const stub = guardFor(env, key);
  const admission = await admitConnect({ lease: (k, unspent) => stub.leaseUser(k, unspent) }, key);
  if (!admission.ok && admission.refusal === "too_many_connects") {
    throw new HttpError(
      429,
      "too_many_connects",
      "too many connects by this user; retry later",
      {},
      { retryAfterMs: admission.retryAfterMs },
    );
  }
}

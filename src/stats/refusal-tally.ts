/**
 * HTTP refusals (any 4xx or 5xx the worker answers), counted in the worker's
 * module memory by status and error code and sent to the stats object in one
 * batch at most every `STATS_FLUSH_MS`, after the response (`waitUntil`). An
 * isolate that is recycled between two batches loses its last one: refusals
 * are a rate to watch, not a ledger, and a write per refusal would make every
 * refused request (floods included) cost a round trip to one object.
 */
import { statsObject } from "./stats-client";

/** Error codes are short snake_case words; anything else is folded into one label value. */
const CODE = /^[a-z][a-z0-9_]{0,39}$/;

let pending: Record<string, number> = {};
let pendingCount = 0;
let lastFlushAt = 0;

/** Counts one refusal. */
export function countRefusal(status: number, error: unknown): void {
  const code = typeof error === "string" && CODE.test(error) ? error : "other";
  const key = `${status} ${code}`;
  pending[key] = (pending[key] ?? 0) + 1;
  pendingCount += 1;
}

/**
 * Sends the batch if one is due: returns the report's promise (for
 * `waitUntil`), or undefined when nothing is sent.
 */
export function flushRefusals(env: Env, flushMs: number, now = Date.now()): Promise<void> | undefined {
  if (pendingCount === 0 || now - lastFlushAt < flushMs) return undefined;
  const refusals = pending;
  pending = {};
  pendingCount = 0;
  lastFlushAt = now;
  return statsObject(env)
    .reportRefusals({ refusals, at: now })
    .catch((err: unknown) => {
      // Kept for the next batch.
      for (const [key, n] of Object.entries(refusals)) {
        pending[key] = (pending[key] ?? 0) + n;
        pendingCount += n;
      }
      console.error(JSON.stringify({ event: "stats_report_failed", error: String(err) }));
    });
}

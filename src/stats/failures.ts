/**
 * Which counted events are the service failing, as opposed to the service
 * refusing (slow mode, a mute, a 415 upload, a 403 ban, a bad token: the service
 * doing its job). The error-rate alert reads failures only, so no client can
 * trip it by getting itself refused; refusals are shown beside it.
 *
 * A failure is: an HTTP answer of 500 or more from the worker (`internal`,
 * `misconfigured`, `auth_unavailable`), an `error` frame `internal`, a socket
 * closed 1011 (internal error), or a failed delivery (a webhook attempt).
 */
import { type Counts, sum } from "./counts";

/** The error code of a frame that reports a server failure. */
const FAILURE_FRAME_CODES = new Set(["internal"]);
/** Close 1011: the server met an unexpected condition. */
const FAILURE_CLOSE_CODES = new Set(["1011"]);

/**
 * True for a worker refusal key (`"status error"`) that is a server failure.
 * @example isServerFailureKey("503 misconfigured") // true
 */
export function isServerFailureKey(key: string): boolean {
  return Number(key.split(" ")[0]) >= 500;
}

/** Server failures and refusals within one set of object counts. */
export function splitCounts(counts: Counts): { failures: number; refusals: number } {
  let failures = sum(counts.failures);
  let refusals = 0;
  for (const [code, n] of Object.entries(counts.errors)) {
    if (FAILURE_FRAME_CODES.has(code)) failures += n;
    else refusals += n;
  }
  for (const [code, n] of Object.entries(counts.closed)) if (FAILURE_CLOSE_CODES.has(code)) failures += n;
  return { failures, refusals };
}

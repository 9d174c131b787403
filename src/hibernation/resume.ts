/**
 * The history a welcome carries, for rooms and inboxes alike: with a usable
 * `since`, exactly the messages after it (a resume: no gap, no duplicate);
 * otherwise the latest page.
 */
import { querySeq } from "../protocol/schemas";
import type { LoggedFrame, MessageLog } from "./message-log";

/** The history part of a welcome. */
export interface WelcomeHistory<F> {
  history: F[];
  hasMore: boolean;
  resumed: boolean;
}

/**
 * The welcome's history for a client that last saw `since` (undefined: a fresh
 * connection), at most `onJoin` messages.
 * @example const { history, hasMore, resumed } = welcomeHistory(log, sinceOf(url), 50);
 */
export function welcomeHistory<F extends LoggedFrame>(
  log: MessageLog<F>,
  since: number | undefined,
  onJoin: number,
): WelcomeHistory<F> {
  // An empty log (seq 0: the newest row is never trimmed) has nothing to page:
  // no query for every join of a new room. A `since` of 0 resumes it exactly.
  if (log.seq === 0) return { history: [], hasMore: false, resumed: since === 0 };
  if (since !== undefined && since <= log.seq && since + 1 >= log.oldestKept()) {
    const page = log.page({ after: since, limit: onJoin }, onJoin);
    return { history: page.messages, hasMore: page.hasMore, resumed: true };
  }
  // No `since`, a `since` older than what is kept, or newer than the log (it was reset).
  const page = log.page({ limit: onJoin }, onJoin);
  return { history: page.messages, hasMore: page.hasMore, resumed: false };
}

/** `since` from the upgrade URL (the worker refuses malformed ones with 400). */
export function sinceOf(url: URL): number | undefined {
  const parsed = querySeq.safeParse(url.searchParams.get("since"));
  return parsed.success ? parsed.data : undefined;
}

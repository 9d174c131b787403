/** The vars every Roomcast bench target runs with (`npm run bench`, `bench/profile.ts`). */
import DEV_VARS from "../scripts/dev-vars.json" with { type: "json" };

/**
 * Roomcast's limits, raised so the bench measures throughput rather than the
 * limiters: a bucket no sender can empty, a connect rate no storm reaches, and
 * an idle sweep that never fires during a run (it would close the silent
 * clients of (d) and wake the room in (f)).
 */
export const ROOMCAST_BENCH_VARS: Record<string, string> = {
  // What `npm run dev` adds to the deployable config: dev sign-in for the bench's clients.
  ...DEV_VARS,
  RATE_LIMIT_PER_MINUTE: "100000000",
  // Every bench client connects from 127.0.0.1: the guard still admits (and
  // counts) each connect through its shard object, but never refuses one.
  CONNECT_RATE_PER_MINUTE: "100000000",
  // Likewise each user's own budget; at this size no address is ever "busy"
  // (see src/http/user-connect-budget.ts), so no connect pays the per-user call.
  USER_CONNECT_RATE_PER_MINUTE: "100000000",
  // Makes the room log one line per construction (wake-up), counted in scenario (f).
  LOG_ROOM_WAKEUPS: "true",
  IDLE_TIMEOUT_MS: "3600000",
  // The upload scenario sends more files per user than a chat should allow.
  UPLOADS_PER_MINUTE: "100000",
};

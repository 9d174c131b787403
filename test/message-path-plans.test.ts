// No statement the message path runs may scan a table: each one's query plan
// (SQLite's EXPLAIN QUERY PLAN, in a real room and inbox object) uses the
// primary key or an index. With HISTORY_LIMIT at 100,000 a scan per message
// would cost a room its ceiling.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { logStatements } from "../src/hibernation/message-log-schema";
import { bucketStatements } from "../src/hibernation/rate-limiter";
import { freshRoom } from "./helpers/tokens";

/** The plan's steps for `query`, its parameters bound to NULL. */
function plan(sql: SqlStorage, query: string): string[] {
  const params = Array.from(query.matchAll(/\?/g), () => null);
  return sql
    .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...params)
    .toArray()
    .map((step) => step.detail);
}

/** Per message (an append, a retry, a trim), per history page or moderation read, per bucket write. */
function hotStatements(threads: boolean): Record<string, string> {
  const { state: _once, ...log } = logStatements(threads);
  const { create: _c, prune: _p, ...bucket } = bucketStatements("rate_buckets");
  return { ...log, ...bucket };
}

describe("query plans of the message path", () => {
  for (const [kind, threads] of [
    ["room", false],
    ["inbox", true],
  ] as const) {
    it(`never scans in a ${kind}'s log`, async () => {
      const stub =
        kind === "room"
          ? env.ROOM.getByName(freshRoom("plans"))
          : env.USER.getByName(`plans-${crypto.randomUUID()}`);
      await runInDurableObject(stub, (_instance, state) => {
        for (const [name, query] of Object.entries(hotStatements(threads))) {
          const steps = plan(state.storage.sql, query);
          expect(
            steps.filter((step) => step.startsWith("SCAN")),
            `${name}: ${steps.join("; ")}`,
          ).toEqual([]);
        }
        // The statements that read: each searches by the key or the index it is meant to use.
        const { byCid, trim, pageBefore } = logStatements(threads);
        expect(plan(state.storage.sql, byCid).join()).toContain("USING INDEX messages_user_cid");
        expect(plan(state.storage.sql, trim).join()).toContain("USING INTEGER PRIMARY KEY");
        expect(plan(state.storage.sql, pageBefore).join()).toMatch(
          /USING (INTEGER PRIMARY KEY|INDEX messages_thread)/,
        );
      });
    });
  }
});

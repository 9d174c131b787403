import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import DEV_VARS from "./scripts/dev-vars.json" with { type: "json" };
import { WORKERD_WEBHOOK_SECRET } from "./test/e2e/webhook-receiver-setup.ts";

/** A free local port (for the webhook receiver the workerd-webhooks project posts to). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// Chosen here because the project's bindings need the URL; its globalSetup listens on it.
const webhookPort = Number(process.env.ROOMCAST_TEST_WEBHOOK_PORT ?? (await freePort()));
process.env.ROOMCAST_TEST_WEBHOOK_PORT = String(webhookPort);

// The demo's files, packed by `npm run build:client` (wrangler.toml has the same alias).
const publicFiles = {
  "@roomcast/public-files": fileURLToPath(new URL("./.build/public-files.js", import.meta.url)),
};

/** The scrape token the workerd tests configure (METRICS_TOKEN). */
const WORKERD_METRICS_TOKEN = "workerd-test-metrics-token";

// Three layers: code that runs inside workerd (the worker, the room object),
// the whole worker driven from Node over real sockets, and the demo in
// public/ driven in Debian's Chromium against `wrangler dev`.
export default defineConfig({
  test: {
    // A green run reads as a short summary: what the worker and the tests log is
    // shown for failing tests only (the structured-log tests read logs themselves).
    silent: "passed-only",
    // Dots and the failures in full, then the summary (one line per test is ~450 lines).
    reporters: ["dot"],
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // A low threshold so batched presence shows with three sockets; tests
            // whose clients do not opt in (?presence=diff) are unaffected by it.
            miniflare: {
              bindings: {
                ...DEV_VARS,
                PRESENCE_BATCH_ABOVE: "2",
                METRICS_TOKEN: WORKERD_METRICS_TOKEN,
                // The guard's tests count to this (the default, 600, makes them slower, not stronger).
                CONNECT_RATE_PER_MINUTE: "120",
              },
            },
          }),
        ],
        resolve: { alias: publicFiles },
        test: {
          name: "workerd",
          include: ["test/**/*.test.ts"],
          // Generous for a loaded 2-core machine; a hang still fails, just later.
          testTimeout: 20_000,
          exclude: [
            "test/e2e/**",
            "test/browser/**",
            "test/limits/**",
            "test/wakeups/**",
            "test/webhooks/**",
          ],
        },
      },
      {
        // The message and typing budgets with refills slower than any test (one
        // token per 10 s and 15 s), so a loaded machine cannot let an extra frame through.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...DEV_VARS, RATE_LIMIT_PER_MINUTE: "6", TYPING_RATE_PER_MINUTE: "4" } },
          }),
        ],
        resolve: { alias: publicFiles },
        test: {
          name: "workerd-limits",
          include: ["test/limits/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // The same worker with one log line per room-object construction, so a
        // test can see that monitoring never wakes a hibernated room.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { ...DEV_VARS, LOG_ROOM_WAKEUPS: "true" } },
          }),
        ],
        resolve: { alias: publicFiles },
        test: { name: "wakeups", include: ["test/wakeups/**/*.test.ts"] },
      },
      {
        // Room event webhooks inside workerd (eviction, alarms), posting to a Node
        // receiver that verifies them with the standardwebhooks library.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...DEV_VARS,
                EVENT_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/switch`,
                EVENT_WEBHOOK_SECRET: WORKERD_WEBHOOK_SECRET,
                EVENT_WEBHOOK_RETRY_MS: "200",
              },
            },
          }),
        ],
        resolve: { alias: publicFiles },
        test: {
          name: "workerd-webhooks",
          include: ["test/webhooks/**/*.test.ts"],
          globalSetup: ["test/e2e/webhook-receiver-setup.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // Each file runs its own wrangler dev and Chromium: one at a time on small machines.
          fileParallelism: false,
        },
      },
    ],
  },
});

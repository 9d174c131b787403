/**
 * The shared setup of the demo's browser tests: one `wrangler dev` and one
 * Chromium for the file, and every signed-in user's context closed at the end.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type ChatUser, launchChromium, signIn } from "./chromium";
import { DevServer } from "./dev-server";

/** The file's server and browser, and users whose contexts are closed after its tests. */
export interface Demo {
  readonly server: DevServer;
  readonly browser: Browser;
  /** Opens the demo at `/?room=<room>` in a new context and signs in as `name` (a moderator if asked). */
  join(
    room: string,
    name: string,
    viewport?: { width: number; height: number },
    options?: { moderator?: boolean },
  ): Promise<ChatUser>;
  /** Closes `user`'s context with the others after the file's tests. */
  track(user: ChatUser): void;
}

/**
 * Starts `wrangler dev` (with optional test-only var overrides) and Chromium
 * before the file's tests and stops them after.
 * @example const demo = useDemo(); const alice = await demo.join("general", "Alice");
 */
export function useDemo(vars: Record<string, string> = {}): Demo {
  let server: DevServer | undefined;
  let browser: Browser | undefined;
  const users: ChatUser[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([DevServer.start(vars), launchChromium()]);
  });
  afterAll(async () => {
    for (const user of users) await user.context.close().catch(() => {});
    await browser?.close();
    await server?.dispose();
  });

  const demo: Demo = {
    get server() {
      if (!server) throw new Error("the dev server is not started yet (use it inside a test or hook)");
      return server;
    },
    get browser() {
      if (!browser) throw new Error("Chromium is not started yet (use it inside a test or hook)");
      return browser;
    },
    async join(room, name, viewport, options) {
      const user = await signIn(demo.browser, demo.server.url, `/?room=${room}`, name, viewport, options);
      users.push(user);
      return user;
    },
    track(user) {
      users.push(user);
    },
  };
  return demo;
}

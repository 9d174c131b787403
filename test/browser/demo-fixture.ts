/**
 * The shared setup of the demo's browser tests: one `wrangler dev` and one
 * Chromium for the file, every signed-in user's context closed at the end, and
 * users whose chat sockets can be cut (the server unreachable, the page not).
 */
import type { Browser, WebSocketRoute } from "playwright-core";
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

/** A signed-in user whose chat sockets can be cut while the page stays reachable. */
export interface CuttableUser extends ChatUser {
  /** On: every socket matching the pattern is closed now and as it opens. Off: they connect again. */
  offline(on: boolean): void;
}

/**
 * Signs in as `name` at `/?room=<room>` in a context whose sockets matching
 * `sockets` (room sockets, the inbox socket) can be cut (`offline(true)`): the
 * page itself still loads and reloads, but every such socket is closed (1001)
 * as it opens — that part of the chat server is unreachable for it.
 * @example const pat = await signInCuttable(demo, "general", "Pat", /\/v1\/inbox\/ws/);
 */
export async function signInCuttable(
  demo: Demo,
  room: string,
  name: string,
  sockets: RegExp,
): Promise<CuttableUser> {
  const context = await demo.browser.newContext({ baseURL: demo.server.url });
  context.setDefaultTimeout(15_000);
  let cut = false;
  const live = new Set<WebSocketRoute>();
  await context.routeWebSocket(sockets, (ws) => {
    if (cut) {
      ws.close({ code: 1001, reason: "offline (test)" });
      return;
    }
    ws.connectToServer();
    live.add(ws);
  });
  const page = await context.newPage();
  const user: ChatUser = { name, context, page, dialogs: [], errors: [] };
  demo.track(user);
  await page.goto(`/?room=${room}`);
  await page.getByLabel("Your display name").fill(name);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#status[data-status='open']").waitFor();
  return {
    ...user,
    offline(on) {
      cut = on;
      if (!on) return;
      for (const ws of live) ws.close({ code: 1001, reason: "offline (test)" });
      live.clear();
    },
  };
}

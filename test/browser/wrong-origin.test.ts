// A web app on an origin the server does not allow learns why: the SDK, loaded
// by a page on a second local origin, reports its refused connection as kind
// `refused`, 403 `origin_not_allowed` (not a network error retried three times),
// because the refusal probe's 403 is readable from any origin. The same page on an
// allowed origin connects.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { DevServer } from "./dev-server";

let server: DevServer;
let app: http.Server;
let appOrigin: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;

/** The "third-party app": a page that loads the SDK from the Roomcast worker and connects. */
function appPage(workerUrl: string): string {
  return `<!doctype html><meta charset="utf-8"><title>app</title><script type="module">
import { RoomcastClient } from "${workerUrl}/vendor/roomcast-client.js";
window.tryConnect = async (token, room) => {
  const client = new RoomcastClient({ url: "${workerUrl}", room, token });
  try {
    const welcome = await client.connect();
    client.close();
    return { ok: true, user: welcome.user.id };
  } catch (err) {
    return { ok: false, code: err.code, close: err.close ?? null };
  }
};
window.ready = true;
</script>`;
}

beforeAll(async () => {
  app = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(appPage(server.url));
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([
    DevServer.start({ ALLOWED_ORIGINS: "https://only-this.example" }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await new Promise((resolve) => app?.close(resolve));
});

async function tokenFor(name: string): Promise<string> {
  const res = await fetch(`${server.url}/dev/token`, { method: "POST", body: JSON.stringify({ name }) });
  return ((await res.json()) as { token: string }).token;
}

describe("a page on an origin not in ALLOWED_ORIGINS", () => {
  it("gets kind refused, 403 origin_not_allowed from the SDK", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(appOrigin);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const token = await tokenFor("outsider");
      const result = await page.evaluate(
        ([t, room]: [string, string]) =>
          (window as unknown as { tryConnect: (t: string, r: string) => Promise<unknown> }).tryConnect(
            t,
            room,
          ),
        [token, `origin-${Date.now()}`] as [string, string],
      );
      expect(result).toMatchObject({
        ok: false,
        code: "closed",
        close: { kind: "refused", status: 403, error: "origin_not_allowed" },
      });
    } finally {
      await context.close();
    }
  });

  it("connects once the origin is allowed (same page, same SDK)", async () => {
    await server.stop();
    server.vars.ALLOWED_ORIGINS = appOrigin;
    await server.start();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(appOrigin);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const result = await page.evaluate(
        ([t, room]: [string, string]) =>
          (window as unknown as { tryConnect: (t: string, r: string) => Promise<unknown> }).tryConnect(
            t,
            room,
          ),
        [await tokenFor("insider"), `origin-${Date.now()}`] as [string, string],
      );
      expect(result).toMatchObject({ ok: true });
    } finally {
      await context.close();
    }
  });
});

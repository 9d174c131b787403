// The operations dashboard (public/admin.html) in Chromium against `wrangler
// dev`, with live data: a room with three `ws` clients, messages, an error and
// a refused upgrade. An admin signs in and every chart draws (uPlot canvases),
// the figures and the top room match the traffic, nothing logs an error, and a
// screenshot is taken (test-results/, or docs/ with REFRESH_SCREENSHOTS=1). A
// member's token gets the page's "for admins" message instead.
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { launchChromium } from "./chromium";
import { DevServer } from "./dev-server";
import { refreshScreenshots, screenshotPath } from "./screenshots";

let server: DevServer;
let browser: Browser;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  // Every event reports at once, so the dashboard shows the traffic within a poll.
  [server, browser] = await Promise.all([DevServer.start({ STATS_FLUSH_MS: "0" }), launchChromium()]);
});
afterAll(async () => {
  for (const ws of sockets) ws.close();
  await browser?.close();
  await server?.dispose();
});

async function devToken(name: string, role?: string): Promise<string> {
  const res = await fetch(`${server.url}/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(role ? { name, role } : { name }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** A `ws` client in `room`, open once its welcome came. */
async function join(room: string, name: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/v1/rooms/${room}/ws`, {
    headers: { Authorization: `Bearer ${await devToken(name)}` },
  });
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data) => {
      if (String(data).includes('"type":"welcome"')) resolve();
    });
  });
  return ws;
}

/** Sends `n` messages and waits for their acks. */
async function say(ws: WebSocket, n: number): Promise<void> {
  let acks = 0;
  const done = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      if (String(data).includes('"type":"ack"') && ++acks === n) resolve();
    });
  });
  for (let i = 0; i < n; i++)
    ws.send(JSON.stringify({ type: "room_message", content: `hello ${i}`, cid: `c${i}` }));
  await done;
}

describe("operations dashboard", () => {
  it("shows live traffic in every chart, with no console error", async () => {
    const room = "lobby";
    const [ada] = await Promise.all([join(room, "Ada"), join(room, "Bo"), join(room, "Cy")]);
    if (!ada) throw new Error("no socket");
    await say(ada, 6);
    ada.send("{not json");
    const refused = await fetch(`${server.url}/v1/rooms/${room}/messages`);
    expect(refused.status).toBe(401);
    // One more event, so the room reports what the last ones counted.
    await say(ada, 1);

    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      baseURL: server.url,
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    await page.goto("/admin.html");
    await page.getByLabel("Your name (development sign-in as an admin)").fill("Ops");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#live[data-status='open']").waitFor();

    await expect.poll(() => page.locator("#kpi-connections").textContent(), { timeout: 20_000 }).toBe("3");
    await expect.poll(() => page.locator("#top-rooms tr td.name").allTextContents()).toEqual([room]);
    for (const id of [
      "chart-states",
      "chart-connections",
      "chart-messages",
      "chart-errors",
      "chart-latency",
    ]) {
      await page.locator(`#${id}[data-state='data'] .uplot canvas`).waitFor();
    }
    expect(await page.locator("#kpi-rooms").textContent()).toBe("1");
    expect(await page.locator("#kpi-p95").textContent()).toMatch(/ ms$/);
    expect(await page.locator("#blocks-empty").isVisible()).toBe(true);

    const shot = screenshotPath("admin-screenshot.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    if (!refreshScreenshots) expect(fs.existsSync("docs/admin-screenshot.png")).toBe(true);
    await context.close();
  });

  it("tells a member that the page is for admins", async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto("/admin.html");
    await page.getByText("Sign in with an admin token instead").click();
    await page.getByLabel("Admin token (JWT)").fill(await devToken("Member"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "This page is for admins" }).waitFor();
    expect(await page.locator("#not-admin-message").textContent()).toBe("this needs an admin token");
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

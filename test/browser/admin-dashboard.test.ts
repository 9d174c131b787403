// The operations dashboard (public/admin.html) in Chromium against `wrangler
// dev`, with live data: a room with three `ws` clients, messages, an error and
// a refused upgrade. An admin signs in and every chart draws (uPlot canvases;
// the connection states as HTML bars),
// the figures and the top room match the traffic, nothing logs an error, and a
// screenshot is taken (test-results/, or docs/ with REFRESH_SCREENSHOTS=1). On a
// phone (390 px) nothing overflows sideways, no two labels overlap, and long room
// names wrap only after their separators. A member's token gets the page's "for
// admins" message instead.
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
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

/** Signs in as an admin in a new context of `viewport` and waits for live data. */
async function openDashboard(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, baseURL: server.url });
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
  return { context, page, errors };
}

/**
 * The boxes of the text inside the elements matching `selector`, one per line
 * of each text node, found with a Range: the text itself, not the element's
 * box, so text spilling out of a cell counts.
 */
function textBoxes(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const texts = [...document.querySelectorAll(sel)].flatMap((root) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const nodes: Node[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent?.trim()) nodes.push(n);
      return nodes;
    });
    return texts.flatMap((node, index) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return [...range.getClientRects()]
        .filter((r) => r.width > 0)
        .map((r) => ({
          node: index,
          text: node.textContent ?? "",
          x: r.x,
          y: r.y,
          right: r.right,
          bottom: r.bottom,
        }));
    });
  }, selector);
}

type Box = Awaited<ReturnType<typeof textBoxes>>[number];

/** Pairs of boxes that overlap (by more than half a pixel, for rounding). */
function overlaps(boxes: Box[]): string[] {
  const found: string[] = [];
  boxes.forEach((a, i) => {
    for (const b of boxes.slice(i + 1).filter((box) => box.node !== a.node)) {
      const x = Math.min(a.right, b.right) - Math.max(a.x, b.x);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
      if (x > 0.5 && y > 0.5) found.push(`"${a.text}" and "${b.text}"`);
    }
  });
  return found;
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

    const { context, page, errors } = await openDashboard({ width: 1280, height: 1000 });

    await expect.poll(() => page.locator("#kpi-connections").textContent(), { timeout: 20_000 }).toBe("3");
    await expect.poll(() => page.locator("#top-rooms tr td.name").allTextContents()).toEqual([room]);
    // The connection states are labelled bars in HTML; the time series are uPlot canvases.
    await page.locator("#chart-states[data-state='data'] .bar-row").first().waitFor();
    expect(await page.locator("#chart-states .bar-label").allTextContents()).toContain("in rooms");
    for (const id of ["chart-connections", "chart-messages", "chart-errors", "chart-latency"]) {
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

  it("fits a phone: no sideways overflow, no overlapping labels, room names wrap only after - or _", async () => {
    const room = "customer-support-emea-escalations";
    const long = "a_very_long_room_name_without_any_hyphens_at_all";
    await Promise.all([join(room, "Dee"), join(long, "Eli")]);
    const { context, page, errors } = await openDashboard({ width: 390, height: 844 });
    await expect
      .poll(() => page.locator("#top-rooms tr td.name").allTextContents(), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([room, long]));
    await page.locator("#chart-states[data-state='data'] .bar-row").first().waitFor();

    // Nothing is wider than the screen: the page, and every panel's content.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const spills = await page.evaluate(() =>
      [...document.querySelectorAll(".panel, .kpi")]
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.querySelector("h2, .kpi-label")?.textContent),
    );
    expect(spills).toEqual([]);

    // No label covers another: the connection states, the KPI labels and figures, the tables.
    expect(overlaps(await textBoxes(page, "#chart-states .bar-label, #chart-states .bar-value"))).toEqual([]);
    expect(await page.locator("#chart-states .bar-label").count()).toBeGreaterThanOrEqual(2);
    expect(overlaps(await textBoxes(page, ".kpi-label, .kpi-value"))).toEqual([]);
    for (const table of ["#top-rooms", "#blocks"]) {
      const cells = `${table} td, :is(table:has(${table})) th`;
      expect(overlaps(await textBoxes(page, cells))).toEqual([]);
    }

    // A room name breaks only after a separator: each piece between breaks stays on one line.
    const pieces = await page.evaluate(() =>
      [...document.querySelectorAll("#top-rooms td.name")].flatMap((td) =>
        [...td.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => {
            const range = document.createRange();
            range.selectNodeContents(n);
            return { text: n.textContent, lines: range.getClientRects().length };
          }),
      ),
    );
    expect(pieces.length).toBeGreaterThan(4);
    for (const piece of pieces) expect(piece).toEqual({ text: piece.text, lines: 1 });
    // And the long names did wrap (so the check above had something to check).
    const nameHeight = await page.locator("#top-rooms td.name", { hasText: long }).evaluate((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.y))).size;
    });
    expect(nameHeight).toBeGreaterThan(1);

    await page.screenshot({ path: screenshotPath("admin-phone.png"), fullPage: true });
    expect(errors).toEqual([]);
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

// The demo within the room's limits and without losing what was typed, in
// Chromium against `wrangler dev`: a burst of 110 messages typed with typing
// indicators on is delivered whole with no 4008 (the SDK paces it, typing has
// its own budget); messages typed while the room is unreachable (its sockets
// cut, the page still served) survive a room switch and a reload and are each
// delivered once when it is back; a bad
// pasted token leads back to the sign-in screen with the reason, never to a
// chat with a usable composer.
import { describe, expect, it } from "vitest";
import { RoomcastClient } from "../../src/client";
import { signTestToken } from "../helpers/tokens";
import { messageTexts, say } from "./chromium";
import { signInCuttable, useDemo } from "./demo-fixture";

const demo = useDemo();

/** What the room stored: its latest seq and the last messages (a welcome holds up to 50). */
async function stored(room: string): Promise<{ seq: number; contents: string[] }> {
  const reader = new RoomcastClient({
    url: demo.server.url,
    room,
    token: await signTestToken({ sub: `reader-${room}` }),
  });
  const welcome = await reader.connect();
  reader.close();
  const contents = welcome.history.map((m) => (m.type === "room_message" ? m.content : m.file.name));
  return { seq: welcome.seq, contents };
}

/** Every room socket of a page (an inbox socket is /v1/inbox/ws). */
const ROOM_SOCKETS = /\/v1\/rooms\/[^/]+\/ws/;

describe("the demo within limits, losing nothing", () => {
  it("delivers a burst of 110 typed messages with typing on: all of them, no 4008", async () => {
    const room = `burst-${Date.now().toString(36)}`;
    const alice = await demo.join(room, "Alice");
    const bob = await demo.join(room, "Bob");
    // Every status the page shows from now on.
    await alice.page.evaluate(() => {
      const status = document.getElementById("status") as HTMLElement;
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => seen.push(status.dataset.status ?? "")).observe(status, {
        attributes: true,
        attributeFilter: ["data-status"],
      });
    });
    const texts = Array.from({ length: 110 }, (_, i) => `burst ${i + 1}`);
    // fill() fires `input` (a typing indicator) for each, then Enter sends.
    for (const text of texts) await say(alice, text);
    await expect.poll(() => messageTexts(bob), { timeout: 30_000 }).toEqual(texts);
    await expect
      .poll(() => alice.page.locator("#messages .msg.pending").count(), { timeout: 15_000 })
      .toBe(0);
    expect(await alice.page.locator("#messages .msg.failed").count()).toBe(0);
    const statuses = await alice.page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    expect(statuses.filter((s) => s !== "open")).toEqual([]);
    expect((await stored(room)).seq).toBe(110);
  });

  it("keeps messages typed offline across a room switch and a reload, and sends each once", async () => {
    const stamp = Date.now().toString(36);
    const [first, second] = [`keep-a-${stamp}`, `keep-b-${stamp}`];
    const pat = await signInCuttable(demo, first, "Pat", ROOM_SOCKETS);
    await say(pat, "online in A");
    await expect.poll(() => messageTexts(pat)).toEqual(["online in A"]);
    await expect.poll(() => pat.page.locator("#messages .msg.pending").count()).toBe(0);

    pat.offline(true);
    await pat.page.locator("#status[data-status='reconnecting']").waitFor({ timeout: 20_000 });
    await say(pat, "typed offline in A");
    await expect
      .poll(() => pat.page.locator("#messages .msg.pending .bubble").allTextContents())
      .toEqual(["typed offline in A"]);

    // Switch rooms while offline: told that A's message is kept, then type in B.
    await pat.page.getByLabel("Room name").fill(second);
    await pat.page.getByRole("button", { name: "Join" }).click();
    await expect
      .poll(() => pat.page.locator("#toasts").textContent())
      .toMatch(/1 message to #keep-a-.* saved/);
    await pat.page.locator("#status[data-status='reconnecting']").waitFor({ timeout: 20_000 });
    await say(pat, "typed offline in B");
    await expect
      .poll(() => pat.page.locator("#messages .msg.pending .bubble").allTextContents())
      .toEqual(["typed offline in B"]);

    // Reload while still offline: B's message is back, pending, and the user is told.
    await pat.page.reload();
    await expect
      .poll(() => pat.page.locator("#messages .msg.pending .bubble").allTextContents())
      .toEqual(["typed offline in B"]);
    await expect.poll(() => pat.page.locator("#toasts").textContent()).toMatch(/typed earlier will be sent/);

    pat.offline(false);
    await pat.page.locator("#status[data-status='open']").waitFor({ timeout: 20_000 });
    await expect.poll(() => messageTexts(pat), { timeout: 15_000 }).toEqual(["typed offline in B"]);
    await expect.poll(() => pat.page.locator("#messages .msg.pending").count()).toBe(0);

    // Back in A: its message is sent too.
    await pat.page.locator("#recent-rooms a", { hasText: first }).click();
    await pat.page.locator("#status[data-status='open']").waitFor({ timeout: 20_000 });
    await expect
      .poll(() => messageTexts(pat), { timeout: 15_000 })
      .toEqual(["online in A", "typed offline in A"]);
    await expect.poll(() => pat.page.locator("#messages .msg.pending").count()).toBe(0);
    // Each stored exactly once.
    expect((await stored(first)).contents).toEqual(["online in A", "typed offline in A"]);
    expect((await stored(second)).contents).toEqual(["typed offline in B"]);
    expect(
      await pat.page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("outbox"))),
    ).toEqual([]);
  });

  it("sends a bad pasted token back to sign-in with the reason; the composer is never usable", async () => {
    const context = await demo.browser.newContext({ baseURL: demo.server.url });
    const page = await context.newPage();
    demo.track({ name: "Mallory", context, page, dialogs: [], errors: [] });
    await page.goto("/?room=lobby");
    await page.getByText("Sign in with a token instead").click();
    const tokenBox = page.getByLabel("Access token (JWT)");

    // Not a JWT at all: refused before any connection.
    await tokenBox.fill("garbage");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.locator("#signin-error").textContent()).toMatch(/does not look like a token/);
    expect(await page.locator("#chat").isHidden()).toBe(true);

    // Well formed, signed with the wrong key: the server says token_invalid.
    const forged = await signTestToken({ sub: "mallory", name: "Mallory" }, "x".repeat(48));
    await tokenBox.fill(forged);
    const composerStates: boolean[] = [];
    const composer = page.locator("#composer-input");
    const watch = setInterval(() => {
      Promise.all([composer.isVisible(), composer.isEnabled()])
        .then(([visible, enabled]) => composerStates.push(visible && enabled))
        .catch(() => {});
    }, 20);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#signin-error").textContent(), { timeout: 15_000 })
      .toMatch(/That token is not valid/);
    clearInterval(watch);
    expect(await page.locator("#signin").isVisible()).toBe(true);
    expect(composerStates.filter((enabled) => enabled)).toEqual([]);
  });
});

// The demo in public/, in Debian's Chromium against `wrangler dev`: two users in
// separate browser contexts chat in one room (presence, typing, order, own
// messages, delivery state), user text containing markup is shown literally and
// runs nothing while its http(s) links become safe anchors, the sign-in form
// holds together on a phone, and the run writes the README's screenshot (to test-results/, or to
// docs/ with REFRESH_SCREENSHOTS=1: see screenshots.ts).
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { RoomcastClient } from "../../src/client";
import { signTestToken } from "../helpers/tokens";
import { type ChatUser, messageTexts, say } from "./chromium";
import { useDemo } from "./demo-fixture";
import { refreshScreenshots, screenshotPath } from "./screenshots";

// A MAX_CONTENT_CHARS other than the default: the composer must learn it from the server.
const demo = useDemo({ MAX_CONTENT_CHARS: "2000" });

const peopleOf = (user: ChatUser) => user.page.locator("#presence .person-name").allTextContents();

describe("the demo chat", () => {
  it("lets two users chat in one room: presence, typing, messages in order", async () => {
    // Every run starts from an empty server, so the screenshot's room can have a plain name.
    const room = "general";
    const alice = await demo.join(room, "Alice", { width: 1200, height: 760 });
    const bob = await demo.join(room, "Bob", { width: 390, height: 760 }); // a phone-sized screen

    await expect.poll(() => peopleOf(alice)).toEqual(["Alice", "Bob"]);
    await expect.poll(() => peopleOf(bob)).toEqual(["Bob", "Alice"]);
    const chen = await demo.join(room, "Chen");
    expect(alice.page.url()).toContain(`?room=${room}`);

    const conversation: [ChatUser, string][] = [
      [alice, "Morning! Is the new room server deployed? 🚀"],
      [bob, "Yes — shipped at 09:40.\nResume and acks are on."],
      [alice, "Nice. Does it survive a restart?"],
      [chen, "مرحبا بالجميع! كيف حالكم؟"],
      [bob, "Right-to-left text renders right, too 👆"],
      [alice, "👍 Let's try a restart after lunch."],
    ];
    for (const [user, text] of conversation) {
      await say(user, text);
      // Wait for the other side too, so the order is the order of sending.
      for (const reader of [alice, bob, chen]) {
        await expect.poll(() => messageTexts(reader)).toContain(text);
      }
    }
    const expected = conversation.map(([, text]) => text);
    expect(await messageTexts(alice)).toEqual(expected);
    expect(await messageTexts(bob)).toEqual(expected);
    expect(await messageTexts(chen)).toEqual(expected);
    await expect.poll(() => peopleOf(alice)).toEqual(["Alice", "Bob", "Chen"]);

    // Own messages are marked; "Delivered" shows under the last one only; others' have none.
    const aliceOwn = alice.page.locator("#messages .msg.own .bubble");
    await expect.poll(() => aliceOwn.allTextContents()).toEqual([expected[0], expected[2], expected[5]]);
    await expect
      .poll(() => alice.page.locator("#messages .msg.own .state").allTextContents())
      .toEqual(["Delivered"]);
    expect(await alice.page.locator("#messages .msg.own").last().locator(".state").textContent()).toBe(
      "Delivered",
    );
    expect(await alice.page.locator("#messages .msg:not(.own) .state").count()).toBe(0);
    // The day's messages come under a date separator.
    expect(await alice.page.locator("#messages .day-separator").allTextContents()).toEqual(["Today"]);
    // Multi-line text keeps its line break.
    expect(await bob.page.locator("#messages .bubble").nth(1).textContent()).toBe(expected[1]);

    // Typing shows on the other side, and clears after sending.
    await bob.page.getByLabel("Your message").pressSequentially("On my way", { delay: 15 });
    await alice.page.getByText("Bob is typing…").waitFor();
    const tracked = fs.readFileSync("docs/screenshot.png");
    const shot = screenshotPath("screenshot.png");
    await alice.page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    // A normal run leaves the tracked copy alone.
    if (!refreshScreenshots) expect(fs.readFileSync("docs/screenshot.png").equals(tracked)).toBe(true);
    await bob.page.getByLabel("Your message").press("Enter");
    await expect.poll(() => alice.page.locator("#typing").textContent()).toBe("");

    expect([...alice.dialogs, ...bob.dialogs, ...chen.dialogs]).toEqual([]);
    expect([...alice.errors, ...bob.errors, ...chen.errors]).toEqual([]);
  });

  it("shows markup in messages and names as literal text and runs nothing", async () => {
    const room = `xss-${Date.now().toString(36)}`;
    const mallory = await demo.join(room, "<img src=x onerror=alert(1)>");
    const victim = await demo.join(room, "Victim");
    const payloads = [
      "<img src=x onerror=alert(1)>",
      "<script>alert(2)</script>",
      '"><svg onload=alert(3)>',
      '<a href="javascript:alert(4)">click</a>',
    ];
    for (const text of payloads) await say(mallory, text);
    await expect.poll(() => messageTexts(victim)).toEqual(payloads);

    const list = victim.page.locator("#messages");
    expect(await list.locator("img, script, svg, a").count()).toBe(0);
    await expect
      .poll(() => victim.page.locator("#messages .author").allTextContents())
      .toContain("<img src=x onerror=alert(1)>");
    expect(await victim.page.locator("#presence .person-name").allTextContents()).toContain(
      "<img src=x onerror=alert(1)>",
    );
    expect(await victim.page.locator("#presence img, #presence script").count()).toBe(0);
    // A reload re-renders everything from history: still text.
    await victim.page.reload();
    await expect.poll(() => messageTexts(victim)).toEqual(payloads);
    expect(await list.locator("img, script, svg, a").count()).toBe(0);

    expect([...mallory.dialogs, ...victim.dialogs]).toEqual([]);
    expect([...mallory.errors, ...victim.errors]).toEqual([]);
  });

  it("loads older messages from history; the composer counts UTF-16 units and blocks past the limit", async () => {
    const room = `history-${Date.now().toString(36)}`;
    // Seed 60 messages with the SDK from Node: more than one welcome holds (HISTORY_ON_JOIN=50).
    const seeder = new RoomcastClient({
      url: demo.server.url,
      room,
      token: await signTestToken({ sub: "seeder", name: "Seeder" }),
    });
    await seeder.connect();
    const all = Array.from({ length: 60 }, (_, i) => `message ${i + 1}`);
    for (const text of all) await seeder.send(text);
    seeder.close();

    const reader = await demo.join(room, "Reader");
    await expect.poll(() => messageTexts(reader)).toEqual(all.slice(10));
    const older = reader.page.getByRole("button", { name: "Load older messages" });
    await older.click();
    await expect.poll(() => messageTexts(reader)).toEqual(all);
    await expect.poll(() => older.isHidden()).toBe(true);

    // Over MAX_CONTENT_CHARS (2,000 here, read from GET /v1/limits), counted in
    // UTF-16 units as the server counts (an emoji is 2): the composer says so,
    // sends nothing and keeps the text.
    const box = reader.page.getByLabel("Your message");
    const counter = reader.page.locator("#composer-count");
    for (const tooLong of ["x".repeat(2_001), "😀".repeat(1_001)]) {
      await box.fill(tooLong);
      await box.press("Enter");
      expect(await counter.textContent()).toMatch(/^2,00[12] \/ 2,000 — too long to send$/);
      expect(await box.inputValue()).toBe(tooLong);
    }
    // Exactly at the limit, it is sent.
    await box.fill("😀".repeat(1_000));
    expect(await counter.textContent()).toBe("2,000 / 2,000");
    await box.press("Enter");
    await expect.poll(() => messageTexts(reader)).toEqual([...all, "😀".repeat(1_000)]);
    expect(await box.inputValue()).toBe("");
    expect(await reader.page.locator("#messages .msg.failed").count()).toBe(0);
    expect(reader.errors).toEqual([]);
  });

  it("turns http and https links into anchors (new tab, no referrer, no opener, nofollow); other schemes stay text", async () => {
    const room = `links-${Date.now().toString(36)}`;
    const sam = await demo.join(room, "Sam");
    const reader = await demo.join(room, "Reader");
    const texts = [
      "docs at https://example.com/guide?x=1&y=2#top.",
      "(see http://example.org/a_(b)) and https://example.net/",
      "javascript:alert(1)",
      "data:text/html,<script>alert(2)</script> vbscript:msgbox(3) ftp://example.com/file",
      '<a href="javascript:alert(4)">click</a> JAVASCRIPT://example.com/%0aalert(5)',
    ];
    for (const text of texts) await say(sam, text);
    // The text reads the same, links included.
    await expect.poll(() => messageTexts(reader)).toEqual(texts);

    const links = reader.page.locator("#messages .bubble a");
    const attrs = await links.evaluateAll((anchors) =>
      anchors.map((a) => ({
        text: a.textContent,
        href: a.getAttribute("href"),
        rel: a.getAttribute("rel"),
        target: a.getAttribute("target"),
      })),
    );
    const link = (text: string, href = text) => ({
      text,
      href,
      rel: "noopener noreferrer nofollow",
      target: "_blank",
    });
    expect(attrs).toEqual([
      // Sentence punctuation after a URL is not part of it; a parenthesis it opened is.
      link("https://example.com/guide?x=1&y=2#top"),
      link("http://example.org/a_(b)"),
      link("https://example.net/"),
    ]);
    // No other scheme became a link, in any message.
    expect(await reader.page.locator("#messages a:not([href^='http'])").count()).toBe(0);
    expect(await reader.page.locator("#messages script, #messages img").count()).toBe(0);

    // A click opens the link in a new tab, without the demo as its opener (the
    // page is answered here: the test reaches no real site).
    await reader.context.route("https://example.com/**", (route) =>
      route.fulfill({ contentType: "text/html", body: "<p>elsewhere</p>" }),
    );
    const [popup] = await Promise.all([reader.context.waitForEvent("page"), links.first().click()]);
    await popup.waitForLoadState();
    expect(await popup.evaluate(() => [window.opener, document.referrer])).toEqual([null, ""]);
    await popup.close();
    expect([...sam.dialogs, ...reader.dialogs]).toEqual([]);
    expect([...sam.errors, ...reader.errors]).toEqual([]);
  });

  it("on a phone, the sign-in form's moderator checkbox sits beside its label, and nothing overflows", async () => {
    const context = await demo.browser.newContext({
      baseURL: demo.server.url,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    demo.track({ name: "Signing in", context, page, dialogs: [], errors: [] });
    await page.goto("/");
    const checkbox = page.getByLabel("Sign in as a moderator");
    const box = await checkbox.boundingBox();
    const label = await page.locator("label.check").boundingBox();
    const nameBox = await page.getByLabel("Your display name").boundingBox();
    if (!box || !label || !nameBox) throw new Error("the sign-in form is not laid out");
    // A checkbox-sized box at the start of its label, inside the label's height.
    expect(box.width).toBeLessThan(30);
    expect(Math.abs(box.x - nameBox.x)).toBeLessThan(4);
    expect(box.y).toBeGreaterThanOrEqual(label.y);
    expect(box.y + box.height).toBeLessThanOrEqual(label.y + label.height);
    // The text starts right after it.
    const text = await page.evaluate(() => {
      const node = [...(document.querySelector("label.check")?.childNodes ?? [])].find(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      const range = document.createRange();
      if (node) range.selectNodeContents(node);
      const rect = range.getClientRects()[0];
      return rect ? { x: rect.x } : undefined;
    });
    expect(text && text.x - (box.x + box.width)).toBeGreaterThan(0);
    expect(text && text.x - (box.x + box.width)).toBeLessThan(16);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await checkbox.check();
    expect(await checkbox.isChecked()).toBe(true);
  });

  it("signs in with a pasted token, keeps the session, validates and switches rooms", async () => {
    const context = await demo.browser.newContext({ baseURL: demo.server.url });
    const page = await context.newPage();
    demo.track({ name: "Pat", context, page, dialogs: [], errors: [] });
    await page.goto("/?room=first-room");
    await page.getByText("Sign in with a token instead").click();
    await page.getByLabel("Access token (JWT)").fill(await signTestToken({ sub: "pat", name: "Pasted Pat" }));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#status[data-status='open']").waitFor();
    expect(await page.locator("#me-name").textContent()).toBe("Pasted Pat");

    // Remembered for the session: a reload goes straight back to the room.
    await page.reload();
    await page.locator("#status[data-status='open']").waitFor();
    expect(await page.locator("#room-name").textContent()).toBe("first-room");

    // Room names are checked like the server checks them; the error goes with a good one.
    await page.getByLabel("Room name").fill("no spaces please");
    await page.getByRole("button", { name: "Join" }).click();
    expect(await page.locator("#join-error").textContent()).toMatch(/letters, digits/);
    await page.getByLabel("Room name").fill("second_room");
    await page.getByRole("button", { name: "Join" }).click();
    await page.waitForURL(/\?room=second_room$/);
    await page.locator("#status[data-status='open']").waitFor();
    expect(await page.locator("#join-error").textContent()).toBe("");
    const recent = ["# second_room", "# first-room"];
    expect(await page.locator("#recent-rooms a").allTextContents()).toEqual(recent);
    // Clicking a recent room does not reorder the list under the cursor.
    await page.locator("#recent-rooms a", { hasText: "first-room" }).click();
    await page.waitForURL(/\?room=first-room$/);
    expect(await page.locator("#recent-rooms a").allTextContents()).toEqual(recent);
    await page.locator("#recent-rooms a", { hasText: "second_room" }).click();
    await page.waitForURL(/\?room=second_room$/);
    await page.locator("#status[data-status='open']").waitFor();

    // The back button returns to the previous room.
    await page.goBack();
    await expect.poll(() => page.locator("#room-name").textContent()).toBe("first-room");
    await page.locator("#status[data-status='open']").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Your display name").waitFor();
  });
});

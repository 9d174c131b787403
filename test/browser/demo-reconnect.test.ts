// Stopping and restarting `wrangler dev` mid-conversation: both browsers show
// the outage with a reconnect countdown, a message typed during it waits as
// pending, and after the restart both reconnect by themselves and resume —
// every message shown exactly once, in the same order on both sides.
import { describe, expect, it } from "vitest";
import { messageTexts, say } from "./chromium";
import { useDemo } from "./demo-fixture";

const demo = useDemo();

describe("the demo across a server restart", () => {
  it("reconnects automatically and resumes with no lost or doubled message", async () => {
    const room = `restart-${Date.now().toString(36)}`;
    const alice = await demo.join(room, "Alice");
    const bob = await demo.join(room, "Bob");

    await say(alice, "before 1");
    await say(bob, "before 2");
    for (const user of [alice, bob]) {
      await expect.poll(() => messageTexts(user)).toEqual(["before 1", "before 2"]);
    }

    await demo.server.stop();
    for (const user of [alice, bob]) {
      await user.page.locator("#status[data-status='reconnecting']").waitFor({ timeout: 20_000 });
    }
    // A visible countdown to the next attempt; the people list is marked out of date.
    expect(await alice.page.locator("#status-text").textContent()).toBe("Offline");
    expect(await alice.page.locator("#presence.stale").count()).toBe(1);
    expect(await alice.page.locator("#people-count").textContent()).toBe("(offline)");
    await expect
      .poll(() => alice.page.locator("#status-countdown").textContent())
      .toMatch(/^ — (retrying in \d+ s|reconnecting…)$/);

    // Typed while the server is down: shown at once as pending, held in the outbox.
    await say(alice, "sent while down");
    const pending = alice.page.locator("#messages .msg.pending");
    await expect.poll(() => pending.locator(".bubble").allTextContents()).toEqual(["sent while down"]);
    expect(await pending.locator(".state").textContent()).toBe("Sending…");

    await demo.server.start();
    // Back within a few seconds of the server (the demo caps the backoff at 4 s).
    const back = Date.now();
    for (const user of [alice, bob]) {
      await user.page.locator("#status[data-status='open']").waitFor({ timeout: 15_000 });
    }
    console.log(`reconnected ${Date.now() - back} ms after the server was ready`);
    expect(await alice.page.locator("#presence.stale").count()).toBe(0);
    await expect.poll(() => alice.page.locator("#messages .msg.pending").count()).toBe(0);
    await say(bob, "after restart");

    const expected = ["before 1", "before 2", "sent while down", "after restart"];
    for (const user of [alice, bob]) {
      await expect.poll(() => messageTexts(user), { timeout: 15_000 }).toEqual(expected);
    }
    await expect
      .poll(() => alice.page.locator("#messages .msg.own .state").allTextContents())
      .toEqual(["Delivered"]);
    // Resumed from where each left off: no "messages were missed" notice.
    for (const user of [alice, bob])
      expect(await user.page.locator("#toasts").textContent()).not.toMatch(/missed/);
    expect([...alice.dialogs, ...bob.dialogs]).toEqual([]);
  });
});

// Moderation in the demo, in Chromium against `wrangler dev`: a moderator signs
// in as one, deletes a member's message (everyone sees "message deleted"), turns
// slow mode on (the member's send button counts down), and kicks the member,
// whose page then says they were removed.
import { describe, expect, it } from "vitest";
import { messageTexts, say } from "./chromium";
import { useDemo } from "./demo-fixture";

const demo = useDemo();

describe("moderation in the demo", () => {
  it("a moderator deletes a message, slows the room down and kicks a user, whose page says so", async () => {
    const room = `mod-${Date.now().toString(36)}`;
    const mo = await demo.join(room, "Mo", undefined, { moderator: true });
    const bob = await demo.join(room, "Bob");
    const people = (user: typeof mo) => user.page.locator("#presence .person-name").allTextContents();
    await expect.poll(() => people(mo)).toEqual(["Mo", "Bob"]);
    // Members get no moderation controls.
    expect(await bob.page.getByRole("button", { name: "Kick Mo" }).count()).toBe(0);
    expect(await bob.page.locator("#slow-mode-control").isHidden()).toBe(true);

    await say(bob, "something rude");
    await say(bob, "something fine");
    await expect.poll(() => messageTexts(mo)).toEqual(["something rude", "something fine"]);
    await mo.page.getByRole("button", { name: "Delete message from Bob" }).first().click();
    for (const user of [mo, bob]) {
      await expect.poll(() => messageTexts(user)).toEqual(["message deleted", "something fine"]);
    }

    await mo.page.getByLabel("Slow mode").selectOption("30000");
    await bob.page.getByText("Mo turned slow mode on (30 s)").waitFor();
    await say(bob, "one more");
    await expect.poll(() => bob.page.locator("#send").textContent()).toMatch(/^Wait \d+ s$/);
    expect(await bob.page.locator("#send").isDisabled()).toBe(true);

    await mo.page.getByRole("button", { name: "Kick Bob" }).click();
    await bob.page.getByRole("heading", { name: "You were removed from this room" }).waitFor();
    expect(await bob.page.locator("#status-text").textContent()).toBe("You were removed from this room");
    expect(await bob.page.locator("#composer").isHidden()).toBe(true);
    await expect.poll(() => people(mo)).toEqual(["Mo"]);
    // The kicked page does not reconnect by itself.
    expect(await bob.page.locator("#status").getAttribute("data-status")).toBe("closed");

    expect([...mo.errors, ...bob.errors]).toEqual([]);
    expect([...mo.dialogs, ...bob.dialogs]).toEqual([]);
  });
});

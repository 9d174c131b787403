// Moderation in the demo, in Chromium against `wrangler dev`: a moderator signs
// in as one, deletes a member's message (everyone sees "message deleted"), turns
// slow mode on (the member's send button counts down), and kicks, mutes and bans
// through a confirmation that takes a reason and a duration. The moderator sees
// the bans and mutes and lifts them from the list; the muted user is told until
// when; the banned user is told until when and offered no Reconnect.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type ChatUser, messageTexts, say } from "./chromium";
import { useDemo } from "./demo-fixture";

const demo = useDemo();
const PHONE = { width: 390, height: 844 };

const people = (user: ChatUser) => user.page.locator("#presence .person-name").allTextContents();

/**
 * Opens the confirmation of `action` ("Kick", "Mute", "Ban") on `name` from the
 * people list, fills it in and confirms; resolves once the dialog has closed
 * (the room accepted it).
 */
async function moderate(
  mo: ChatUser,
  action: "Kick" | "Mute" | "Ban",
  name: string,
  fields: { reason?: string; duration?: string } = {},
): Promise<void> {
  // exact: "Mute Bob" is also part of "Unmute Bob".
  await mo.page.getByRole("button", { name: `${action} ${name}`, exact: true }).click();
  const dialog = mo.page.getByRole("dialog", { name: `${action} ${name}?` });
  await dialog.waitFor();
  if (fields.reason !== undefined) await dialog.getByLabel("Reason").fill(fields.reason);
  if (fields.duration !== undefined) {
    await dialog.getByLabel("For how long").selectOption({ label: fields.duration });
  }
  await dialog.getByRole("button", { name: action, exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
}

/** The text of the ban or mute list's entries ("Eve until … · spam · by Mo"). */
const listed = (user: ChatUser, list: "#ban-list" | "#mute-list") =>
  user.page.locator(`${list} li`).allTextContents();

/** A banned page's refused upgrade is logged by Chromium itself: not an error of the page. */
const pageErrors = (user: ChatUser) =>
  user.errors.filter((e) => !/403|Forbidden/.test(e) || !/WebSocket|resource/.test(e));

/** Whether `page` overflows its viewport sideways. */
const overflowsX = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe("moderation in the demo", () => {
  it("a moderator deletes a message, slows the room down and kicks a user with a reason, whose page says so", async () => {
    const room = `mod-${Date.now().toString(36)}`;
    const mo = await demo.join(room, "Mo", undefined, { moderator: true });
    const bob = await demo.join(room, "Bob");
    await expect.poll(() => people(mo)).toEqual(["Mo", "Bob"]);
    // Members get no moderation controls.
    expect(await bob.page.getByRole("button", { name: "Kick Mo" }).count()).toBe(0);
    expect(await bob.page.locator("#slow-mode-control").isHidden()).toBe(true);
    expect(await bob.page.locator("#restrictions").isHidden()).toBe(true);

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

    // Cancel changes nothing; a kick asks for a reason but no duration.
    await mo.page.getByRole("button", { name: "Kick Bob" }).click();
    const dialog = mo.page.getByRole("dialog", { name: "Kick Bob?" });
    expect(await dialog.getByLabel("For how long").isHidden()).toBe(true);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await people(mo)).toEqual(["Mo", "Bob"]);

    await moderate(mo, "Kick", "Bob", { reason: "calm down" });
    await bob.page.getByRole("heading", { name: "You were removed from this room" }).waitFor();
    expect(await bob.page.locator("#removed-detail").textContent()).toBe("By Mo: calm down.");
    expect(await bob.page.locator("#status-text").textContent()).toBe("You were removed from this room");
    expect(await bob.page.locator("#composer").isHidden()).toBe(true);
    await expect.poll(() => people(mo)).toEqual(["Mo"]);
    // The kicked page does not reconnect by itself.
    expect(await bob.page.locator("#status").getAttribute("data-status")).toBe("closed");

    expect([...mo.errors, ...bob.errors]).toEqual([]);
    expect([...mo.dialogs, ...bob.dialogs]).toEqual([]);
  });

  it("on a phone: bans with a reason and a duration, lists the ban, and unbans from the list; the banned user gets no Reconnect", async () => {
    const room = `ban-${Date.now().toString(36)}`;
    const mo = await demo.join(room, "Mo", PHONE, { moderator: true });
    const eve = await demo.join(room, "Eve", PHONE);
    await mo.page.locator("#sidebar-toggle").click();
    await expect.poll(() => people(mo)).toEqual(["Mo", "Eve"]);
    await mo.page.locator("#restrictions").waitFor();
    expect(await listed(mo, "#ban-list")).toEqual([]);
    expect(await mo.page.locator("#bans-none").textContent()).toBe("Nobody is banned from this room.");

    // The confirmation fits the phone's screen, its choices and buttons reachable.
    await mo.page.getByRole("button", { name: "Ban Eve" }).click();
    const dialog = mo.page.getByRole("dialog", { name: "Ban Eve?" });
    await dialog.waitFor();
    const box = await dialog.boundingBox();
    expect(box).not.toBeNull();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);
    expect(await overflowsX(mo.page)).toBe(false);
    const options = await dialog.getByLabel("For how long").locator("option").allTextContents();
    expect(options).toEqual(["1 hour", "1 day", "1 week", "Permanently"]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    // The drawer stays open behind the dialog.
    await moderate(mo, "Ban", "Eve", { reason: "spam links", duration: "1 day" });

    // The banned page: told until when (about a day from now), no way back in.
    const title = eve.page.getByRole("heading", { name: /^You are banned from this room until / });
    await title.waitFor();
    expect(await eve.page.locator("#removed-detail").textContent()).toBe("By Mo: spam links.");
    const until = Date.parse(
      (await eve.page.locator("#status-text").textContent())?.replace("Banned until ", "") ?? "",
    );
    expect(Math.abs(until - (Date.now() + 86_400_000))).toBeLessThan(5 * 60_000);
    expect(await eve.page.getByRole("button", { name: "Reconnect" }).count()).toBe(0);
    expect(await eve.page.locator("#status-action").isHidden()).toBe(true);
    // Coming back (a reload) is refused 403 banned, and said the same way.
    await eve.page.reload();
    await title.waitFor();
    expect(await eve.page.locator("#status-text").textContent()).toMatch(/^Banned until /);
    expect(await eve.page.getByRole("button", { name: "Reconnect" }).count()).toBe(0);

    // The moderator's list: who, until when, why, by whom.
    await expect.poll(() => listed(mo, "#ban-list")).toHaveLength(1);
    const [entry] = await listed(mo, "#ban-list");
    expect(entry).toMatch(/^EEveuntil .+ · spam links · by MoUnban$/);
    expect(await mo.page.locator("#bans-count").textContent()).toBe("1");
    await expect.poll(() => people(mo)).toEqual(["Mo"]);

    await mo.page.getByRole("button", { name: "Unban Eve" }).click();
    await expect.poll(() => listed(mo, "#ban-list")).toEqual([]);
    await mo.page.getByText("Mo lifted the ban on Eve").waitFor();
    // Eve can join again.
    await eve.page.reload();
    await eve.page.locator("#status[data-status='open']").waitFor();
    expect(await eve.page.locator("#removed").isHidden()).toBe(true);
    await expect.poll(() => people(mo)).toEqual(["Mo", "Eve"]);

    expect([...pageErrors(mo), ...pageErrors(eve)]).toEqual([]);
    expect([...mo.dialogs, ...eve.dialogs]).toEqual([]);
  });

  it("mutes with a reason and a duration: the muted user is told until when; unmute, from the people or the list, lets them talk", async () => {
    const room = `mute-${Date.now().toString(36)}`;
    const mo = await demo.join(room, "Mo", undefined, { moderator: true });
    const bob = await demo.join(room, "Bob");
    await expect.poll(() => people(mo)).toEqual(["Mo", "Bob"]);

    await mo.page.getByRole("button", { name: "Mute Bob", exact: true }).click();
    const options = await mo.page.getByLabel("For how long").locator("option").allTextContents();
    expect(options).toEqual(["10 minutes", "1 hour", "1 day", "1 week", "Permanently"]);
    await mo.page.getByRole("button", { name: "Cancel" }).click();
    await moderate(mo, "Mute", "Bob", { reason: "shouting", duration: "1 hour" });
    await bob.page.getByText(/^Mo muted you until .+ \(shouting\)$/).waitFor();

    // Bob's message is refused, and says why and until when — with no Retry (it would only be refused again).
    await say(bob, "can I talk?");
    const state = bob.page.locator("#messages .msg.failed .state");
    await expect.poll(() => state.textContent()).toMatch(/^Not sent: You are muted until .+\. Dismiss$/);
    const until = Date.parse(
      ((await state.textContent()) ?? "").replace(/^Not sent: You are muted until (.+)\. Dismiss$/, "$1"),
    );
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(5 * 60_000);
    expect(await state.getByRole("button", { name: "Retry" }).count()).toBe(0);
    await state.getByRole("button", { name: "Dismiss" }).click();
    expect(await messageTexts(bob)).toEqual([]);

    // The moderator sees the mute listed, and Unmute instead of Mute beside Bob.
    await expect.poll(() => listed(mo, "#mute-list")).toHaveLength(1);
    expect((await listed(mo, "#mute-list"))[0]).toMatch(/^BBobuntil .+ · shouting · by MoUnmute$/);
    await mo.page.getByRole("button", { name: "Unmute Bob" }).first().waitFor();
    expect(
      await mo.page.locator("#presence").getByRole("button", { name: "Mute Bob", exact: true }).count(),
    ).toBe(0);

    // Unmute from the people list.
    await mo.page.locator("#presence").getByRole("button", { name: "Unmute Bob" }).click();
    await expect.poll(() => listed(mo, "#mute-list")).toEqual([]);
    await bob.page.getByText("Mo unmuted you").waitFor();
    await say(bob, "thanks");
    await expect.poll(() => messageTexts(mo)).toEqual(["thanks"]);

    // A permanent mute, lifted from the list.
    await moderate(mo, "Mute", "Bob", { duration: "Permanently" });
    await say(bob, "again?");
    await expect
      .poll(() => bob.page.locator("#messages .msg.failed .state").textContent())
      .toBe("Not sent: You are muted permanently. Dismiss");
    await mo.page.locator("#mute-list").getByRole("button", { name: "Unmute Bob" }).click();
    await expect.poll(() => listed(mo, "#mute-list")).toEqual([]);
    await expect
      .poll(() => mo.page.locator("#presence").getByRole("button", { name: "Mute Bob", exact: true }).count())
      .toBe(1);

    expect([...mo.errors, ...bob.errors]).toEqual([]);
    expect([...mo.dialogs, ...bob.dialogs]).toEqual([]);
  });
});

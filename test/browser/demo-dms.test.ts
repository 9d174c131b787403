// Direct messages in the demo, in Chromium against `wrangler dev`: a click on
// a person opens a conversation, the other side gets an unread badge that
// clears when they open it, the sender sees "Seen", and a message sent while
// the recipient was away is there when they come back; a message typed while
// the sender's inbox is unreachable survives a reload (for that user only) and
// is delivered exactly once when it is back.
import { describe, expect, it } from "vitest";
import { type ChatUser, signIn } from "./chromium";
import { signInCuttable, useDemo } from "./demo-fixture";

const demo = useDemo();

const dmTexts = (user: ChatUser) => user.page.locator("#dm-messages .bubble").allTextContents();
const pendingDms = (user: ChatUser) =>
  user.page.locator("#dm-messages .msg.pending .bubble").allTextContents();
const storedOutboxes = (user: ChatUser) =>
  user.page.evaluate(() => Object.keys(localStorage).filter((key) => key.includes("outbox")));
/** The signed-in user's id: the `sub` of the session's token (what keys their stored outbox). */
const userIdOf = (user: ChatUser) =>
  user.page.evaluate(() => {
    const { token } = JSON.parse(sessionStorage.getItem("roomcast.session") ?? "{}") as { token: string };
    const claims = atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"));
    return (JSON.parse(claims) as { sub: string }).sub;
  });
const badge = (user: ChatUser, from: string) =>
  user.page.locator("#dm-list .dm-link", { hasText: from }).locator(".badge");

async function sayPrivately(user: ChatUser, text: string): Promise<void> {
  const box = user.page.getByLabel("Your direct message");
  await box.fill(text);
  await box.press("Enter");
}

describe("direct messages in the demo", () => {
  it("opens a DM from the member list; unread badge appears and clears; Seen shows; offline messages wait", async () => {
    const suffix = Date.now().toString(36);
    const [annName, benName] = [`Ann ${suffix}`, `Ben ${suffix}`];
    const room = `dm-${suffix}`;
    const ann = await demo.join(room, annName);
    const ben = await demo.join(room, benName);

    // Ann clicks Ben in the member list and writes to him.
    await ann.page.locator("#presence .person-dm", { hasText: benName }).click();
    await ann.page.locator("#dm:not([hidden])").waitFor();
    expect(await ann.page.locator("#dm-title").textContent()).toBe(`Direct messages with ${benName}`);
    await sayPrivately(ann, "psst, lunch?");
    await expect.poll(() => dmTexts(ann)).toEqual(["psst, lunch?"]);
    await expect.poll(() => ann.page.locator("#dm-messages .msg.own .state").textContent()).toBe("Delivered");

    // Ben gets a conversation with an unread badge; opening it clears the badge.
    await expect.poll(() => badge(ben, annName).textContent()).toBe("1");
    await ben.page.locator("#dm-list .dm-link", { hasText: annName }).click();
    await expect.poll(() => dmTexts(ben)).toEqual(["psst, lunch?"]);
    await expect.poll(() => badge(ben, annName).count()).toBe(0);

    // Ann sees that Ben read it.
    await expect.poll(() => ann.page.locator("#dm-messages .msg.own .state").textContent()).toBe("Seen");

    // Ben answers; Ann has the conversation open, so it is read at once.
    await sayPrivately(ben, "yes! 12:30");
    await expect.poll(() => dmTexts(ann)).toEqual(["psst, lunch?", "yes! 12:30"]);
    await expect.poll(() => ben.page.locator("#dm-messages .msg.own .state").textContent()).toBe("Seen");

    // Ben goes away; Ann writes; Ben comes back to a badge and the message.
    await ben.context.close();
    await sayPrivately(ann, "sent while you were away");
    await expect.poll(() => dmTexts(ann)).toContain("sent while you were away");
    const benAgain = await signIn(demo.browser, demo.server.url, `/?room=${room}`, benName);
    demo.track(benAgain);
    await expect.poll(() => badge(benAgain, annName).textContent()).toBe("1");
    await benAgain.page.locator("#dm-list .dm-link", { hasText: annName }).click();
    await expect
      .poll(() => dmTexts(benAgain))
      .toEqual(["psst, lunch?", "yes! 12:30", "sent while you were away"]);

    // The room itself was untouched by all of this.
    expect(await ann.page.locator("#messages .bubble").count()).toBe(0);
    expect([...ann.dialogs, ...ben.dialogs, ...benAgain.dialogs]).toEqual([]);
    expect([...ann.errors, ...benAgain.errors]).toEqual([]);
  });

  it("keeps a DM typed offline across a reload, for that user only, and delivers it once", async () => {
    const suffix = Date.now().toString(36);
    const [patName, quinnName, cyName] = [`Pat ${suffix}`, `Quinn ${suffix}`, `Cy ${suffix}`];
    const room = `dm-keep-${suffix}`;
    // Only Pat's inbox socket can be cut: the room (and its member list) stays reachable.
    const pat = await signInCuttable(demo, room, patName, /\/v1\/inbox\/ws/);
    const quinn = await demo.join(room, quinnName);
    const openDmWithQuinn = async () => {
      await pat.page.locator("#presence .person-dm", { hasText: quinnName }).click();
      await pat.page.locator("#dm:not([hidden])").waitFor();
    };

    await openDmWithQuinn();
    await sayPrivately(pat, "online first");
    await expect.poll(() => pat.page.locator("#dm-messages .msg.own .state").textContent()).toBe("Delivered");

    // The inbox goes unreachable; what Pat types now waits, pending.
    pat.offline(true);
    await sayPrivately(pat, "typed offline");
    await expect.poll(() => pendingDms(pat)).toEqual(["typed offline"]);
    await expect.poll(() => storedOutboxes(pat)).toHaveLength(1);

    // Reload while still offline: the message is back, pending, and Pat is told.
    await pat.page.reload();
    await pat.page.locator("#status[data-status='open']").waitFor();
    await expect
      .poll(() => pat.page.locator("#toasts").textContent())
      .toMatch(/1 direct message you typed earlier will be sent/);
    await openDmWithQuinn();
    await expect.poll(() => pendingDms(pat)).toEqual(["typed offline"]);

    // Another user signing in on this browser neither sees nor sends it.
    await pat.page.getByRole("button", { name: "Sign out" }).click();
    await pat.page.getByLabel("Your display name").fill(cyName);
    await pat.page.getByRole("button", { name: "Sign in" }).click();
    await pat.page.locator("#status[data-status='open']").waitFor();
    await pat.page.locator("#presence .person-dm", { hasText: quinnName }).click();
    await pat.page.locator("#dm:not([hidden])").waitFor();
    expect(await pat.page.locator("#dm-messages .msg").count()).toBe(0);
    expect(await storedOutboxes(pat)).toHaveLength(1);

    // Pat again, and the inbox is back: sent once, no longer pending, storage empty.
    await pat.page.getByRole("button", { name: "Sign out" }).click();
    await pat.page.getByLabel("Your display name").fill(patName);
    await pat.page.getByRole("button", { name: "Sign in" }).click();
    await pat.page.locator("#status[data-status='open']").waitFor();
    await openDmWithQuinn();
    await expect.poll(() => pendingDms(pat)).toEqual(["typed offline"]);
    pat.offline(false);
    await expect.poll(() => pendingDms(pat), { timeout: 20_000 }).toEqual([]);
    await expect.poll(() => dmTexts(pat)).toEqual(["online first", "typed offline"]);
    await expect.poll(() => storedOutboxes(pat)).toEqual([]);

    // Quinn gets it exactly once.
    await expect.poll(() => badge(quinn, patName).textContent()).toBe("2");
    await quinn.page.locator("#dm-list .dm-link", { hasText: patName }).click();
    await expect.poll(() => dmTexts(quinn)).toEqual(["online first", "typed offline"]);
    expect([...quinn.errors, ...quinn.dialogs]).toEqual([]);
  });

  it("tells the user when a DM typed earlier is refused, and keeps its text (no Retry: too long stays too long)", async () => {
    const suffix = Date.now().toString(36);
    const [patName, quinnName] = [`Pam ${suffix}`, `Quin ${suffix}`];
    const room = `dm-refused-${suffix}`;
    const pat = await demo.join(room, patName);
    const quinn = await demo.join(room, quinnName);
    // An entry as the SDK stores one, but longer than this server takes (typed
    // where the limit was higher, say): the inbox refuses it when it is restored.
    const tooLong = "x".repeat(10_001);
    const key = `roomcast.outbox.v1:inbox:${await userIdOf(pat)}`;
    const entry = {
      cid: `c-refused-${suffix}`,
      content: tooLong,
      createdAt: Date.now(),
      to: await userIdOf(quinn),
    };
    await pat.page.evaluate(([k, e]) => localStorage.setItem(k, JSON.stringify([e])), [key, entry] as const);
    await pat.page.reload();

    await expect
      .poll(() => pat.page.locator("#toasts").textContent())
      .toMatch(/A direct message you typed earlier was not sent: The server refused that message/);
    await pat.page.locator("#presence .person-dm", { hasText: quinnName }).click();
    await pat.page.locator("#dm:not([hidden])").waitFor();
    await expect
      .poll(() => pat.page.locator("#dm-messages .msg.failed .state").textContent())
      .toMatch(/^Not sent: /);
    expect(await pat.page.locator("#dm-messages .msg.failed .bubble").textContent()).toBe(tooLong);
    const state = pat.page.locator("#dm-messages .msg.failed .state");
    expect(await state.getByRole("button", { name: "Retry" }).count()).toBe(0);
    expect(await state.getByRole("button", { name: "Dismiss" }).count()).toBe(1);
    await expect.poll(() => storedOutboxes(pat)).toEqual([]);
    // Nothing reached Quinn.
    expect(await quinn.page.locator("#dm-list .dm-link").count()).toBe(0);
  });
});

// Direct messages in the demo, in Chromium against `wrangler dev`: a click on
// a person opens a conversation, the other side gets an unread badge that
// clears when they open it, the sender sees "Seen", and a message sent while
// the recipient was away is there when they come back.
import { describe, expect, it } from "vitest";
import { type ChatUser, signIn } from "./chromium";
import { useDemo } from "./demo-fixture";

const demo = useDemo();

const dmTexts = (user: ChatUser) => user.page.locator("#dm-messages .bubble").allTextContents();
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
});

// Typing indicators have their own budget per (room, user), TYPING_RATE_PER_MINUTE
// (4 in this project, see vitest.config.ts), so typing does not spend the
// message budget (RATE_LIMIT_PER_MINUTE, 6 here): a client that types stays
// within the documented message limit. Past its own budget, a typing frame
// takes from the message budget, so a typing flood is still limited (and ends with 4008).
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom } from "../helpers/tokens";
import { openRoom } from "../helpers/workerd-socket";

/** RATE_LIMIT_PER_MINUTE and TYPING_RATE_PER_MINUTE of this project. */
const MESSAGES = 6;
const TYPING = 4;

describe("typing budget", () => {
  it("does not spend the message budget; past its own it does, across hibernation", async () => {
    const room = freshRoom();
    const typist = await openRoom(room, { sub: "typist" });
    const watcher = await openRoom(room, { sub: "watcher" });
    for (let i = 0; i < TYPING; i++) typist.send({ type: "typing_indicator", isTyping: i % 2 === 0 });
    for (let i = 0; i < TYPING; i++) {
      expect(await watcher.frames.next("typing_indicator")).toMatchObject({ isTyping: i % 2 === 0 });
    }
    // The typing bucket is in storage: a wake-up does not refill it.
    await evictDurableObject(env.ROOM.getByName(room), { webSockets: "hibernate" });
    // The fifth typing frame is past the typing budget: it takes a message token…
    typist.send({ type: "typing_indicator", isTyping: true });
    expect(await watcher.frames.next("typing_indicator")).toMatchObject({ isTyping: true });
    // …so one message fewer fits.
    for (let i = 0; i < MESSAGES; i++) typist.send({ type: "room_message", content: `m${i}`, cid: `c${i}` });
    for (let i = 0; i < MESSAGES - 1; i++) expect((await typist.frames.next("ack")).cid).toBe(`c${i}`);
    expect(await typist.frames.next("error")).toMatchObject({
      code: "rate_limited",
      ref: `c${MESSAGES - 1}`,
    });
  });

  it("lets a user who typed within the budget send the full message budget", async () => {
    const room = freshRoom();
    const typist = await openRoom(room, { sub: "typist" });
    for (let i = 0; i < MESSAGES; i++) {
      // As a chat client does: typing on before each message (within the typing budget).
      if (i < TYPING) typist.send({ type: "typing_indicator", isTyping: true });
      typist.send({ type: "room_message", content: `m${i}`, cid: `c${i}` });
    }
    for (let i = 0; i < MESSAGES; i++) expect((await typist.frames.next("ack")).cid).toBe(`c${i}`);
    expect(typist.frames.pending("error")).toEqual([]);
  });
});

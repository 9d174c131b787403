// The per-user message budget, in its own workerd project with a tiny
// RATE_LIMIT_PER_MINUTE (see vitest.config.ts): one token refills every 10 s,
// so no refill can land while a test runs, however loaded the machine is. With
// the default 100/minute a token came back every 600 ms, and a slow run let an
// extra message through.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contentOf } from "../helpers/files";
import { freshRoom } from "../helpers/tokens";
import { openRoom } from "../helpers/workerd-socket";

/** RATE_LIMIT_PER_MINUTE of this project. */
const BUDGET = 6;
/** RATE_LIMIT_STRIKES (the default). */
const STRIKES = 5;

describe("rate limit", () => {
  it("refuses past RATE_LIMIT_PER_MINUTE with retryAfterMs, then closes with 4008", async () => {
    const room = freshRoom();
    const flooder = await openRoom(room, { sub: "flooder" });
    const watcher = await openRoom(room, { sub: "watcher" });
    for (let i = 0; i < BUDGET + 20; i++)
      flooder.send({ type: "room_message", content: `m${i}`, cid: `f${i}` });
    const limited = await flooder.frames.next("error");
    expect(limited).toMatchObject({ code: "rate_limited", ref: `f${BUDGET}` });
    // The wait until the next token: at most one refill interval.
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000 / BUDGET);
    expect((await flooder.frames.closed()).code).toBe(4008);
    expect(flooder.frames.all.filter((f) => f.type === "ack")).toHaveLength(BUDGET);
    expect(flooder.frames.all.filter((f) => f.type === "error")).toHaveLength(STRIKES);
    expect(await watcher.frames.next("user_left")).toMatchObject({ user: { id: "flooder" } });
    watcher.send({ type: "history", limit: 100 });
    const stored = (await watcher.frames.next("history")).messages.map(contentOf);
    expect(stored).toEqual(Array.from({ length: BUDGET }, (_, i) => `m${i}`));
  });

  it("is per user: a new connection does not reset it, another user is unaffected", async () => {
    const room = freshRoom();
    const first = await openRoom(room, { sub: "spender" });
    for (let i = 0; i < BUDGET; i++) first.send({ type: "room_message", content: `m${i}` });
    for (let i = 0; i < BUDGET; i++) await first.frames.next("ack");
    const second = await openRoom(room, { sub: "spender" });
    second.send({ type: "room_message", content: "one more", cid: "late" });
    expect(await second.frames.next("error")).toMatchObject({ code: "rate_limited", ref: "late" });
    const other = await openRoom(room, { sub: "someone-else" });
    other.send({ type: "room_message", content: "fine" });
    expect((await other.frames.next("ack")).seq).toBe(BUDGET + 1);
  });

  it("keeps the bucket and the socket's strikes across hibernation", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    for (let i = 0; i < BUDGET + 2; i++) alice.send({ type: "room_message", content: `m${i}` });
    await alice.frames.next("error");
    await alice.frames.next("error");
    await evictDurableObject(env.ROOM.getByName(room), { webSockets: "hibernate" });
    alice.send({ type: "room_message", content: "still limited" });
    expect((await alice.frames.next("error")).code).toBe("rate_limited");
    // Two strikes before, one now: two more close the socket (RATE_LIMIT_STRIKES = 5).
    alice.send({ type: "room_message", content: "x" });
    alice.send({ type: "room_message", content: "x" });
    expect((await alice.frames.closed()).code).toBe(4008);
    expect(alice.frames.all.filter((f) => f.type === "ack")).toHaveLength(BUDGET);
  });

  it("gives no token back when the room is evicted in the middle of a flood", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const before = BUDGET / 2;
    for (let i = 0; i < before; i++) alice.send({ type: "room_message", content: `a${i}`, cid: `a${i}` });
    for (let i = 0; i < before; i++) await alice.frames.next("ack");
    // Memory gone, storage and the socket kept: the bucket comes back from storage,
    // which is never fuller than memory was (at most one token, the reserve, emptier).
    await evictDurableObject(env.ROOM.getByName(room), { webSockets: "hibernate" });
    for (let i = 0; i < BUDGET; i++) alice.send({ type: "room_message", content: `b${i}`, cid: `b${i}` });
    const refused = await alice.frames.next("error");
    expect(refused.code).toBe("rate_limited");
    const acksAfter = alice.frames.all.filter((f) => f.type === "ack" && f.cid?.startsWith("b")).length;
    expect(acksAfter).toBeLessThanOrEqual(BUDGET - before);
    expect(acksAfter).toBeGreaterThanOrEqual(BUDGET - before - 1);
    expect(refused.ref).toBe(`b${acksAfter}`);
  });
});

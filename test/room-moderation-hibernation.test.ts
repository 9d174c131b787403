// Moderation state survives hibernation: each test evicts the room object (its
// memory, including the ban/mute/slow-mode caches, is dropped; its sockets
// hibernate) and checks that the rules still hold, read back from SQLite.

import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomContextOf } from "./helpers/inside";
import { freshRoom } from "./helpers/tokens";
import { openRoom, refusedUpgrade } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);
const evict = (room: string) => evictDurableObject(stubOf(room), { webSockets: "hibernate" });

describe("moderation across eviction", () => {
  it("keeps bans, mutes, slow mode and the audit log", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    const bob = await openRoom(room, { sub: "bob" });
    const carol = await openRoom(room, { sub: "carol" });
    mod.send({ type: "ban", userId: "eve", durationMs: 600_000 });
    mod.send({ type: "mute", userId: "bob" });
    mod.send({ type: "slow_mode", intervalMs: 600_000 });
    for (let i = 0; i < 3; i++) await mod.frames.next("moderation");
    carol.send({ type: "room_message", content: "before the eviction" });
    await carol.frames.next("ack");
    await evict(room);

    expect((await refusedUpgrade(room, { sub: "eve" })).status).toBe(403);
    bob.send({ type: "room_message", content: "still muted?", cid: "b" });
    expect(await bob.frames.next("error")).toMatchObject({
      code: "forbidden",
      ref: "b",
      reason: "muted",
      until: null,
    });
    // Slow mode remembers carol's last message from the history, not from memory.
    carol.send({ type: "room_message", content: "too soon", cid: "c" });
    expect(await carol.frames.next("error")).toMatchObject({ code: "rate_limited", ref: "c" });
    expect((await openRoom(room, { sub: "dave" })).welcome.settings).toEqual({ slowModeMs: 600_000 });
    const log = await stubOf(room).moderationLog({});
    expect(log.actions.map((a) => a.action)).toEqual(["slow_mode", "mute", "ban"]);
  });

  it("a ban ends by the clock: no cleanup job, refused before its until and admitted after", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    mod.send({ type: "ban", userId: "eve", durationMs: 600_000 });
    const ban = await mod.frames.next("moderation");
    const until = ban.until as number;
    await runInDurableObject(stubOf(room), (instance) => {
      expect(roomContextOf(instance).moderation.bans.active("eve", until - 1)).toBeDefined();
      expect(roomContextOf(instance).moderation.bans.active("eve", until)).toBeUndefined();
    });
    expect((await refusedUpgrade(room, { sub: "eve" })).body.until).toBe(until);
    // Move the stored expiry into the past and drop the cache: the clock alone lifts the ban.
    await runInDurableObject(stubOf(room), (_instance, state) => {
      state.storage.sql.exec("UPDATE restrictions SET until = ? WHERE user_id = 'eve'", Date.now() - 1);
    });
    await evict(room);
    await openRoom(room, { sub: "eve" });
    expect((await stubOf(room).bans()).bans).toEqual([]);
  });

  it("a mute ends by the clock too", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    const bob = await openRoom(room, { sub: "bob" });
    mod.send({ type: "mute", userId: "bob", durationMs: 600_000 });
    await bob.frames.next("moderation");
    await runInDurableObject(stubOf(room), (_instance, state) => {
      state.storage.sql.exec("UPDATE restrictions SET until = ? WHERE user_id = 'bob'", Date.now() - 1);
    });
    await evict(room);
    bob.send({ type: "room_message", content: "free", cid: "f" });
    expect((await bob.frames.next("ack")).cid).toBe("f");
  });
});

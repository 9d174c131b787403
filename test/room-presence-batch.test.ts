// Batched presence: above PRESENCE_BATCH_ABOVE sockets (2 in this project, see
// vitest.config.ts), clients that opted in with ?presence=diff hear joins and
// leaves in one presence_diff per flush; the others still get one frame each.

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom, roundTrip, type TestSocket, upgradeRequest } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

async function openDiff(room: string, sub: string): Promise<TestSocket> {
  return openRoom(room, { sub, query: "presence=diff" });
}

describe("batched presence", () => {
  it("sends one diff per flush to opted-in clients, frames to the rest, and survives eviction", async () => {
    const room = freshRoom();
    const a = await openDiff(room, "a");
    const b = await openDiff(room, "b");
    // Two sockets: at the threshold, so the join is announced at once, to everyone.
    expect(await a.frames.next("user_joined")).toMatchObject({ user: { id: "b" } });

    const each = await openRoom(room, { sub: "each" });
    const c = await openDiff(room, "c");
    // Above the threshold: the client without ?presence=diff hears c at once...
    expect(await each.frames.next("user_joined")).toMatchObject({ user: { id: "c" } });
    // ...while a and b wait for the flush (nothing arrived before this barrier).
    await roundTrip(a);
    await roundTrip(b);
    expect(a.frames.pending("user_joined")).toEqual([]);

    // The pending changes are in storage: a wake-up before the flush loses nothing.
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    for (const socket of [a, b, c]) {
      const diff = await socket.frames.next("presence_diff");
      expect(diff.room).toBe(room);
      expect(diff.joined.map((u) => u.id).sort()).toEqual(["c", "each"]);
      expect(diff.left).toEqual([]);
    }

    b.send({ type: "leave_room" });
    await b.frames.closed();
    expect(await each.frames.next("user_left")).toMatchObject({ user: { id: "b" } });
    await runDurableObjectAlarm(stubOf(room));
    expect(await a.frames.next("presence_diff")).toMatchObject({
      joined: [],
      left: [{ id: "b", name: "b" }],
    });
    expect(each.frames.all.some((f) => f.type === "presence_diff")).toBe(false);
  });

  it("writes no row per join, and keeps a batch's joins across an eviction in the middle of it", async () => {
    const room = freshRoom();
    const a = await openDiff(room, "a");
    const b = await openDiff(room, "b");
    await a.frames.next("user_joined");
    const c = await openDiff(room, "c");
    await roundTrip(a);
    // Joins wait in memory; storage holds only when the batch began.
    const rows = await runInDurableObject(stubOf(room), (_o, state) => ({
      pending: state.storage.sql.exec("SELECT * FROM presence_pending").toArray().length,
      batches: state.storage.sql.exec("SELECT * FROM presence_batch").toArray().length,
    }));
    expect(rows).toEqual({ pending: 0, batches: 1 });
    // Evicted before the flush: memory is gone, the batch's start is not.
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    const d = await openDiff(room, "d");
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    for (const socket of [a, b, c, d]) {
      const diff = await socket.frames.next("presence_diff");
      // a and b joined before the batch (announced at once then): not in it.
      expect(diff.joined.map((u) => u.id).sort()).toEqual(["c", "d"]);
      expect(diff.left).toEqual([]);
    }
    // The flush closed the batch: the next one starts empty.
    expect(
      await runInDurableObject(stubOf(room), (_o, state) =>
        state.storage.sql.exec("SELECT * FROM presence_batch").toArray(),
      ),
    ).toEqual([]);
  });

  it("reports each user's state at the flush: joined then left is left", async () => {
    const room = freshRoom();
    const a = await openDiff(room, "a");
    await openDiff(room, "b");
    await a.frames.next("user_joined");
    const brief = await openRoom(room, { sub: "brief" });
    brief.send({ type: "leave_room" });
    await brief.frames.closed();
    await runDurableObjectAlarm(stubOf(room));
    expect(await a.frames.next("presence_diff")).toMatchObject({ joined: [], left: [{ id: "brief" }] });
  });

  it("refuses an unknown presence mode with 400", async () => {
    const token = await signTestToken();
    const res = await exports.default.fetch(
      upgradeRequest(freshRoom(), { Authorization: `Bearer ${token}` }, "?presence=batched"),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_query" });
  });
});

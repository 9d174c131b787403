// Room counters reach the stats object exactly: a scripted workload (connects,
// messages, errors, a close) gives exactly matching counts after a report, and
// evicting the room between two reports loses none of them. A report goes only
// from an event the room has anyway: each test makes the flush interval look
// elapsed (expireFlushInterval), then sends a frame.

import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RoomDO } from "../src/room/room-do";
import { statsObject } from "../src/stats/stats-client";
import type { UserDO } from "../src/user/user-do";
import { countersOf } from "./helpers/inside";
import { freshRoom } from "./helpers/tokens";
import { openInbox, openRoom, roundTrip, type TestSocket } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

/** Makes the room's next event report (as if STATS_FLUSH_MS had passed), then sends one. */
async function reportNow(room: string, via: TestSocket): Promise<void> {
  await runInDurableObject(stubOf(room), (instance: RoomDO) => countersOf(instance).expireFlushInterval());
  await roundTrip(via);
}

/** What the stats object holds of the room. */
function held(room: string) {
  return statsObject(env).source("room", room);
}

async function send(socket: TestSocket, n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i++)
    socket.send({ type: "room_message", content: `${prefix}${i}`, cid: `${prefix}${i}` });
  for (let i = 0; i < n; i++) await socket.frames.next("ack");
}

async function invalid(socket: TestSocket, n: number): Promise<void> {
  for (let i = 0; i < n; i++) socket.send("{not json");
  for (let i = 0; i < n; i++) expect((await socket.frames.next("error")).code).toBe("invalid_json");
}

describe("room counters", () => {
  it("match a scripted workload exactly: 3 connects, 4 messages, 2 errors, 1 close", async () => {
    const room = freshRoom("stats");
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    const carol = await openRoom(room, { sub: "carol" });
    await send(alice, 4, "m");
    await invalid(bob, 2);
    carol.ws.close(1000, "bye");
    await alice.frames.next("user_left");
    await reportNow(room, alice);
    await expect.poll(async () => (await held(room))?.total.messages.room, { timeout: 5000 }).toBe(4);
    const source = await held(room);
    expect(source).toMatchObject({
      active: 2,
      opened: 3,
      total: {
        messages: { room: 4, private: 0, file: 0 },
        closed: { "1000": 1 },
        errors: { invalid_json: 2 },
        // Each message went to all three sockets (carol left after them).
        deliveries: 12,
      },
    });
    // Every ack was timed once its storage commit was done.
    expect(source?.total.latency.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it("loses no count when the room is evicted between two reports", async () => {
    const room = freshRoom("stats");
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    await send(alice, 2, "a");
    await reportNow(room, alice);
    await expect.poll(async () => (await held(room))?.total.messages.room, { timeout: 5000 }).toBe(2);

    // Counted after that report, then the room's memory is dropped.
    await send(bob, 3, "b");
    await invalid(alice, 1);
    const carol = await openRoom(room, { sub: "carol" });
    carol.ws.close(1000);
    await bob.frames.next("user_left");
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });

    await reportNow(room, bob);
    await expect.poll(async () => (await held(room))?.total.messages.room, { timeout: 5000 }).toBe(5);
    expect(await held(room)).toMatchObject({
      active: 2,
      opened: 3,
      total: {
        messages: { room: 5 },
        closed: { "1000": 1 },
        errors: { invalid_json: 1 },
        deliveries: 2 * 2 + 3 * 2,
      },
    });
  });

  it("counts closes the room makes (leave_room, 4008) by code", async () => {
    const room = freshRoom("stats");
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    bob.send({ type: "leave_room" });
    expect((await bob.frames.closed()).code).toBe(1000);
    await alice.frames.next("user_left");
    await reportNow(room, alice);
    await expect.poll(async () => (await held(room))?.total.closed, { timeout: 5000 }).toEqual({ "1000": 1 });
    expect(await held(room)).toMatchObject({ active: 1, opened: 2 });
  });
});

describe("inbox counters", () => {
  it("count a private message once, in the sender's inbox", async () => {
    const alice = await openInbox({ sub: `alice-${crypto.randomUUID().slice(0, 8)}` });
    const bob = await openInbox({ sub: `bob-${crypto.randomUUID().slice(0, 8)}` });
    alice.send({ type: "private_message", to: bob.welcome.user.id, content: "hi", cid: "p1" });
    await alice.frames.next("ack");
    await bob.frames.next("private_message");
    // Retried: acked again, not counted again.
    alice.send({ type: "private_message", to: bob.welcome.user.id, content: "hi", cid: "p1" });
    await alice.frames.next("ack");
    const inbox = (id: string) => env.USER.getByName(id);
    await runInDurableObject(inbox(alice.welcome.user.id), (instance: UserDO) =>
      countersOf(instance).expireFlushInterval(),
    );
    alice.send({ type: "history" });
    await alice.frames.next("history");
    const held = () => statsObject(env).source("inbox", alice.welcome.user.id);
    await expect.poll(async () => (await held())?.total.messages.private, { timeout: 5000 }).toBe(1);

    expect((await held())?.active).toBe(1);
  });
});

// What must survive hibernation does: each test evicts the room object (its
// memory is dropped, its sockets hibernate) and checks the room afterwards.

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PING_FRAME } from "../src/protocol/codes";
import type { ConnectionAttachment } from "../src/room/attachment";
import { contentOf } from "./helpers/files";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom, roundTrip } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

/** Makes the given users' sockets look silent for `ms`, as if no frame came for that long. */
async function age(room: string, userIds: string[], ms: number): Promise<void> {
  await runInDurableObject(stubOf(room), (_instance, state) => {
    for (const ws of state.getWebSockets()) {
      const att = ws.deserializeAttachment() as ConnectionAttachment;
      if (userIds.includes(att.user.id)) ws.serializeAttachment({ ...att, lastActive: Date.now() - ms });
    }
  });
}

describe("hibernation", () => {
  it("keeps presence: users connected before eviction are in the next welcome", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    await openRoom(room, { sub: "bob" });
    await alice.frames.next("user_joined");
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    const carol = await openRoom(room, { sub: "carol" });
    expect(carol.welcome.presence.map((u) => u.id).sort()).toEqual(["alice", "bob", "carol"]);
    expect(await alice.frames.next("user_joined")).toMatchObject({ user: { id: "carol" } });
  });

  it("announces one user_left when a user's tabs all close while the room sleeps", async () => {
    const room = freshRoom();
    const bob = await openRoom(room, { sub: "bob" });
    const tab1 = await openRoom(room, { sub: "alice" });
    const tab2 = await openRoom(room, { sub: "alice" });
    await bob.frames.next("user_joined");
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    // The wake-up is caused by these closes, so the rebuilt presence never sees alice.
    tab1.ws.close(1000);
    tab2.ws.close(1000);
    await tab1.frames.closed();
    await tab2.frames.closed();
    expect(await bob.frames.next("user_left")).toMatchObject({ user: { id: "alice" } });
    await roundTrip(bob);
    expect(bob.frames.pending("user_left")).toEqual([]);
  });

  it("keeps seq, history and cid de-duplication", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "before", cid: "b1" });
    await alice.frames.next("ack");
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    // The same socket keeps working after the wake-up.
    alice.send({ type: "room_message", content: "after", cid: "a1" });
    expect((await alice.frames.next("ack")).seq).toBe(2);
    alice.send({ type: "room_message", content: "before", cid: "b1" });
    expect((await alice.frames.next("ack")).seq).toBe(1);
    const late = await openRoom(room, { sub: "late" });
    expect(late.welcome.seq).toBe(2);
    expect(late.welcome.history.map(contentOf)).toEqual(["before", "after"]);
  });

  it("runs the idle sweep after a wake-up: silent sockets close with 1001, the rest stay", async () => {
    const room = freshRoom();
    const idle = await openRoom(room, { sub: "idle" });
    const busy = await openRoom(room, { sub: "busy" });
    const pinger = await openRoom(room, { sub: "pinger" });
    await age(room, ["idle", "pinger"], 61_000);
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    // The exact heartbeat text is answered by the runtime without waking the
    // room; the sweep must still count it as activity.
    pinger.send(PING_FRAME);
    await pinger.frames.next("pong");
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    expect(await idle.frames.closed()).toEqual({ code: 1001, reason: "idle timeout" });
    expect(await busy.frames.next("user_left")).toMatchObject({ user: { id: "idle" } });
    await roundTrip(busy);
    await roundTrip(pinger);
    // Sockets remain, so the sweep re-armed itself.
    const alarm = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
  });

  it("stops sweeping once the last socket is gone", async () => {
    const room = freshRoom();
    const only = await openRoom(room, { sub: "only" });
    await age(room, ["only"], 61_000);
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    await runDurableObjectAlarm(stubOf(room));
    expect((await only.frames.closed()).code).toBe(1001);
    const alarm = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeNull();
  });

  it("arms the sweep by the earliest token expiry and closes expired sockets with 4001", async () => {
    const room = freshRoom();
    const exp = Math.floor(Date.now() / 1000) + 20;
    const pinger = await openRoom(room, { token: await signTestToken({ sub: "short-lived", exp }) });
    const alarm = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeLessThanOrEqual(exp * 1000);
    // The token runs out while the client only pings (answered by the runtime).
    await runInDurableObject(stubOf(room), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const att = ws.deserializeAttachment() as ConnectionAttachment;
        ws.serializeAttachment({ ...att, exp: Math.floor(Date.now() / 1000) - 1 });
      }
    });
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    pinger.send(PING_FRAME);
    await pinger.frames.next("pong");
    await runDurableObjectAlarm(stubOf(room));
    expect(await pinger.frames.closed()).toEqual({ code: 4001, reason: "token expired" });
  });

  it("resumes with since after a wake-up: exactly the missed messages", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    for (let i = 1; i <= 4; i++) alice.send({ type: "room_message", content: `m${i}` });
    for (let i = 1; i <= 4; i++) await alice.frames.next("ack");
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    const back = await openRoom(room, { sub: "bob", since: 2 });
    expect(back.welcome).toMatchObject({ resumed: true, hasMore: false, seq: 4 });
    expect(back.welcome.history.map((m) => m.seq)).toEqual([3, 4]);
  });
});

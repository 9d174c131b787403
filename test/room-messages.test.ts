// Room behaviour through real WebSocket upgrades (worker → room object) in workerd.
import { describe, expect, it } from "vitest";
import { contentOf } from "./helpers/files";
import { freshRoom } from "./helpers/tokens";
import { openRoom, roundTrip } from "./helpers/workerd-socket";

describe("room messages", () => {
  it("keeps the welcome's presence list exact as users come and go, whatever their names hold", async () => {
    const room = freshRoom();
    // Names that would break a careless splice into the welcome's JSON.
    const odd = await openRoom(room, { sub: "odd", name: 'say "presence":[] $& $1 \\' });
    const bob = await openRoom(room, { sub: "bob" });
    expect(bob.welcome.presence).toEqual([
      { id: "odd", name: 'say "presence":[] $& $1 \\' },
      { id: "bob", name: "bob" },
    ]);
    bob.send({ type: "leave_room" });
    await bob.frames.closed();
    const carol = await openRoom(room, { sub: "carol" });
    expect(carol.welcome.presence.map((u) => u.id)).toEqual(["odd", "carol"]);
    const dave = await openRoom(room, { sub: "dave" });
    expect(dave.welcome.presence.map((u) => u.id)).toEqual(["odd", "carol", "dave"]);
    expect(dave.welcome.room).toBe(room);
    await roundTrip(odd);
  });

  it("welcomes, broadcasts to everyone, acks the sender and stores in seq order", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice", name: "Alice" });
    expect(alice.welcome).toMatchObject({
      type: "welcome",
      room,
      seq: 0,
      user: { id: "alice", name: "Alice" },
      presence: [{ id: "alice", name: "Alice" }],
      history: [],
      hasMore: false,
      resumed: false,
    });
    const bob = await openRoom(room, { sub: "bob" });
    expect(bob.welcome.presence.map((u) => u.id).sort()).toEqual(["alice", "bob"]);
    expect(await alice.frames.next("user_joined")).toMatchObject({ user: { id: "bob", name: "bob" }, room });

    alice.send({ type: "room_message", content: "hello", cid: "c1" });
    const ack = await alice.frames.next("ack");
    expect(ack).toMatchObject({ cid: "c1", seq: 1 });
    const atAlice = await alice.frames.next("room_message");
    const atBob = await bob.frames.next("room_message");
    expect(atBob).toEqual(atAlice);
    expect(atBob).toMatchObject({
      id: ack.id,
      seq: 1,
      room,
      content: "hello",
      from: { id: "alice" },
      cid: "c1",
    });

    bob.send({ type: "room_message", content: "hi" });
    expect((await bob.frames.next("ack")).seq).toBe(2);
    expect((await alice.frames.next("room_message")).seq).toBe(2);
  });

  it("answers a retried cid with the original ack and stores nothing new", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "once", cid: "retry-1" });
    const first = await alice.frames.next("ack");
    await alice.frames.next("room_message");
    alice.send({ type: "room_message", content: "once", cid: "retry-1" });
    expect(await alice.frames.next("ack")).toEqual(first);
    alice.send({ type: "history" });
    const page = await alice.frames.next("history");
    expect(page.messages.map(contentOf)).toEqual(["once"]);
    // The retry was not broadcast: only the one room_message ever arrived.
    expect(alice.frames.all.filter((f) => f.type === "room_message")).toHaveLength(1);
  });

  it("gives the same cid from another user a message of its own", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    alice.send({ type: "room_message", content: "a", cid: "same" });
    bob.send({ type: "room_message", content: "b", cid: "same" });
    const seqs = [(await alice.frames.next("ack")).seq, (await bob.frames.next("ack")).seq];
    expect(seqs.sort()).toEqual([1, 2]);
  });

  it("relays typing to the others only and never stores it", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    alice.send({ type: "typing_indicator", isTyping: true });
    expect(await bob.frames.next("typing_indicator")).toEqual({
      type: "typing_indicator",
      room,
      user: { id: "alice", name: "alice" },
      isTyping: true,
    });
    await roundTrip(alice);
    expect(alice.frames.pending("typing_indicator")).toEqual([]);
    alice.send({ type: "history" });
    expect((await alice.frames.next("history")).messages).toEqual([]);
  });

  it("pages history before and after a seq", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    for (let i = 1; i <= 5; i++) alice.send({ type: "room_message", content: `m${i}` });
    for (let i = 1; i <= 5; i++) await alice.frames.next("ack");
    alice.send({ type: "history", before: 4, limit: 2 });
    const older = await alice.frames.next("history");
    expect(older.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(older.hasMore).toBe(true);
    alice.send({ type: "history", after: 3 });
    const newer = await alice.frames.next("history");
    expect(newer.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(newer.hasMore).toBe(false);
    alice.send({ type: "history", before: 2, after: 1 });
    expect((await alice.frames.next("error")).code).toBe("invalid_message");
  });

  it("answers join_room with room_joined and closes with 1000 on leave_room", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    alice.send({ type: "join_room", room });
    expect(await alice.frames.next("room_joined")).toEqual({ type: "room_joined", room });
    alice.send({ type: "join_room", room: "elsewhere" });
    expect((await alice.frames.next("error")).code).toBe("invalid_message");
    bob.send({ type: "leave_room" });
    expect((await bob.frames.closed()).code).toBe(1000);
    expect(await alice.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
  });
});

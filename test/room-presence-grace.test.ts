// Presence grace (PRESENCE_GRACE_MS, 5000 here): a socket that ends without a
// clean close holds its user's user_left back; a reconnect within the grace
// shows nothing; the room's alarm announces the departure once the grace is
// over, from storage, so an eviction in between neither loses nor repeats it.
// Tests end a grace by moving its stored due time into the past, then run the alarm.

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom } from "./helpers/tokens";
import { openRoom, roundTrip, type TestSocket } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

/** Closes like a browser tab going away (1001): not a clean goodbye. */
async function drop(socket: TestSocket): Promise<void> {
  socket.ws.close(1001, "going away");
  await socket.frames.closed();
}

/** Ends every grace now, as if PRESENCE_GRACE_MS had passed, and runs the alarm. */
async function endGrace(room: string): Promise<void> {
  await runInDurableObject(stubOf(room), (_i, state) => {
    state.storage.sql.exec("UPDATE presence_grace SET due = ?", Date.now() - 1);
  });
  await runDurableObjectAlarm(stubOf(room));
}

async function heldDepartures(room: string): Promise<unknown[]> {
  return runInDurableObject(stubOf(room), (_i, state) =>
    state.storage.sql.exec("SELECT user_id FROM presence_grace").toArray(),
  );
}

/** The presence frames `socket` received after its first `mark` frames. */
function presenceFrames(socket: TestSocket, mark: number) {
  return socket.frames.all.slice(mark).filter((f) => f.type === "user_left" || f.type === "user_joined");
}

/** A room where `witness` saw bob join, then bob's socket dropped; `mark` = frames the witness had by then. */
async function witnessOfADrop() {
  const room = freshRoom();
  const witness = await openRoom(room, { sub: "witness" });
  const bob = await openRoom(room, { sub: "bob" });
  await witness.frames.next("user_joined");
  const mark = witness.frames.all.length;
  await drop(bob);
  return { room, witness, mark };
}

describe("presence grace", () => {
  it("a reconnect within the grace shows no user_left / user_joined pair", async () => {
    const { room, witness, mark } = await witnessOfADrop();
    // Within the grace bob still counts as present, for newcomers too.
    const carol = await openRoom(room, { sub: "carol" });
    expect(carol.welcome.presence.map((u) => u.id).sort()).toEqual(["bob", "carol", "witness"]);
    await openRoom(room, { sub: "bob" });
    expect(await heldDepartures(room)).toEqual([]);
    await endGrace(room);
    await roundTrip(witness);
    expect(presenceFrames(witness, mark)).toEqual([
      expect.objectContaining({ type: "user_joined", user: { id: "carol", name: "carol" } }),
    ]);
  });

  it("announces user_left once after the grace, arming the alarm by its end", async () => {
    const room = freshRoom();
    const witness = await openRoom(room, { sub: "witness" });
    const bob = await openRoom(room, { sub: "bob" });
    await witness.frames.next("user_joined");
    const before = Date.now();
    await drop(bob);
    const alarm = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + 5000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 5000);
    await roundTrip(witness);
    expect(witness.frames.pending("user_left")).toEqual([]);
    await endGrace(room);
    expect(await witness.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
    await runDurableObjectAlarm(stubOf(room));
    await roundTrip(witness);
    expect(witness.frames.pending("user_left")).toEqual([]);
  });

  it("survives eviction during the grace: one user_left, not zero, not two", async () => {
    const room = freshRoom();
    const witness = await openRoom(room, { sub: "witness" });
    const bob = await openRoom(room, { sub: "bob" });
    await witness.frames.next("user_joined");
    await drop(bob);
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    await endGrace(room);
    expect(await witness.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    await runDurableObjectAlarm(stubOf(room));
    await roundTrip(witness);
    expect(witness.frames.all.filter((f) => f.type === "user_left")).toHaveLength(1);
  });

  it("a reconnect after an eviction still ends the grace silently", async () => {
    const { room, witness, mark } = await witnessOfADrop();
    await evictDurableObject(stubOf(room), { webSockets: "hibernate" });
    await openRoom(room, { sub: "bob" });
    await endGrace(room);
    await roundTrip(witness);
    expect(presenceFrames(witness, mark)).toEqual([]);
  });

  it("a clean close (1000) or leave_room announces at once", async () => {
    const room = freshRoom();
    const witness = await openRoom(room, { sub: "witness" });
    const bob = await openRoom(room, { sub: "bob" });
    const carol = await openRoom(room, { sub: "carol" });
    bob.ws.close(1000);
    expect(await witness.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
    carol.send({ type: "leave_room" });
    expect(await witness.frames.next("user_left")).toMatchObject({ user: { id: "carol" } });
    expect(await heldDepartures(room)).toEqual([]);
  });

  it("works with batched presence: no diff for a blip, a left diff after the grace", async () => {
    // PRESENCE_BATCH_ABOVE is 2 in this project: with four sockets, diffs are batched.
    const room = freshRoom();
    const a = await openRoom(room, { sub: "a", query: "presence=diff" });
    await openRoom(room, { sub: "b", query: "presence=diff" });
    await openRoom(room, { sub: "c", query: "presence=diff" });
    const first = await openRoom(room, { sub: "bob", query: "presence=diff" });
    await runDurableObjectAlarm(stubOf(room));
    await a.frames.next("presence_diff");
    await drop(first);
    const bob = await openRoom(room, { sub: "bob", query: "presence=diff" });
    await runDurableObjectAlarm(stubOf(room));
    await roundTrip(a);
    expect(a.frames.pending("presence_diff")).toEqual([]);

    await drop(bob);
    await endGrace(room);
    expect(await a.frames.next("presence_diff")).toMatchObject({ joined: [], left: [{ id: "bob" }] });
  });
});

// The whole worker under workerd, driven from Node by real `ws` clients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, type RunningWorker, startWorker } from "./worker-harness";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.close();
});

describe("a conversation over real sockets", () => {
  it("broadcasts, acks and shows presence", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await signTestToken({ sub: "alice" }));
    const bob = await joinRoom(worker, room, await signTestToken({ sub: "bob" }));
    expect(bob.welcome.presence.map((u) => u.id).sort()).toEqual(["alice", "bob"]);
    await alice.frames.next("user_joined");
    alice.send({ type: "room_message", content: "hi bob", cid: "a1" });
    expect((await alice.frames.next("ack")).seq).toBe(1);
    expect((await bob.frames.next("room_message")).content).toBe("hi bob");
    alice.ws.close(1000);
    bob.ws.close(1000);
  });
});

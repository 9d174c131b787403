// The pre-publish hook against the whole worker: a Node receiver (verifying the
// hook's signature with `standardwebhooks`) accepts, rejects or rewrites; a
// timeout or an error follows PUBLISH_HOOK_FAILURE; slow verdicts never reorder
// a room's messages, and acks stay matched to their cids.
import { describe, expect, it } from "vitest";
import type { RoomMessageFrame } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWebhookReceiver } from "./webhook-fixture";
import { joinRoom, type NodeSocket, type RunningWorker } from "./worker-harness";

const SECRET = `whsec_${Buffer.from("roomcast-e2e-publish-hook-secret").toString("base64")}`;
const fx = useWebhookReceiver(SECRET);

async function workerWithHook(path: string, extra: Record<string, string> = {}): Promise<RunningWorker> {
  return fx.worker({
    PUBLISH_HOOK_URL: `${fx.receiver.url}${path}`,
    PUBLISH_HOOK_SECRET: SECRET,
    PUBLISH_HOOK_TIMEOUT_MS: "500",
    ...extra,
  });
}

async function join(worker: RunningWorker, room: string, sub: string): Promise<NodeSocket> {
  const socket = await joinRoom(worker, room, await signTestToken({ sub }));
  fx.track(socket);
  return socket;
}

describe("pre-publish hook", () => {
  it("accept: stored and broadcast as sent; the hook saw a signed message.publishing", async () => {
    const worker = await workerWithHook("/hook/accept");
    const room = freshRoom();
    const alice = await join(worker, room, "alice");
    alice.send({ type: "room_message", content: "fine words", cid: "a1" });
    expect(await alice.frames.next("ack")).toMatchObject({ cid: "a1", seq: 1 });
    expect(await alice.frames.next("room_message")).toMatchObject({ content: "fine words" });
    const [asked] = await fx.receiver.waitFor(
      (d) => d.path === "/hook/accept" && d.event?.data.room === room,
    );
    expect(asked).toMatchObject({
      verified: true,
      event: {
        type: "message.publishing",
        data: { room, content: "fine words", cid: "a1", from: { id: "alice" } },
      },
    });
  });

  it("reject: error forbidden with the hook's reason, nothing stored; rewrite: the new content is stored", async () => {
    const rejecting = await workerWithHook("/hook/reject");
    const room = freshRoom();
    const bob = await join(rejecting, room, "bob");
    bob.send({ type: "room_message", content: "spam", cid: "s1" });
    expect(await bob.frames.next("error")).toMatchObject({
      code: "forbidden",
      message: "not on this channel",
      ref: "s1",
    });
    const service = await signTestToken({ sub: "svc", role: "service" });
    const res = await fetch(new URL(`/v1/rooms/${room}/messages`, rejecting.url), {
      method: "POST",
      headers: { Authorization: `Bearer ${service}`, "Content-Type": "application/json" },
      body: JSON.stringify({ content: "spam too" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "forbidden", message: "not on this channel" });
    bob.send({ type: "history" });
    expect((await bob.frames.next("history")).messages).toEqual([]);

    const rewriting = await workerWithHook("/hook/rewrite");
    const carol = await join(rewriting, freshRoom(), "carol");
    carol.send({ type: "room_message", content: "quiet please", cid: "q1" });
    expect(await carol.frames.next("ack")).toMatchObject({ cid: "q1", seq: 1 });
    expect(await carol.frames.next("room_message")).toMatchObject({ content: "QUIET PLEASE", cid: "q1" });
  });

  it("timeout and errors follow PUBLISH_HOOK_FAILURE: reject refuses, allow stores as sent", async () => {
    const strict = await workerWithHook("/hook/slow", { PUBLISH_HOOK_FAILURE: "reject" });
    const dan = await join(strict, freshRoom(), "dan");
    dan.send({ type: "room_message", content: "anyone?", cid: "t1" });
    expect(await dan.frames.next("error")).toMatchObject({ code: "forbidden", ref: "t1" });

    const lenient = await workerWithHook("/hook/error", { PUBLISH_HOOK_FAILURE: "allow" });
    const eve = await join(lenient, freshRoom(), "eve");
    eve.send({ type: "room_message", content: "still here", cid: "e1" });
    expect(await eve.frames.next("ack")).toMatchObject({ cid: "e1", seq: 1 });
    expect(await eve.frames.next("room_message")).toMatchObject({ content: "still here" });
  });

  it("keeps arrival order and correct acks when the hook answers out of order; retries are de-duplicated", async () => {
    // A generous timeout: this test is about order, not the failure policy.
    const worker = await workerWithHook("/hook/order", { PUBLISH_HOOK_TIMEOUT_MS: "5000" });
    const room = freshRoom();
    const fred = await join(worker, room, "fred");
    const gina = await join(worker, room, "gina");
    // The first message gets a slow verdict; the next ones answer at once. One
    // socket, so the room receives them in this order.
    fred.send({ type: "room_message", content: "slow first", cid: "f1" });
    fred.send({ type: "room_message", content: "fast second", cid: "f2" });
    fred.send({ type: "room_message", content: "slow first", cid: "f1" }); // a retry while the first is pending
    fred.send({ type: "room_message", content: "fast third", cid: "f3" });
    const acks = [];
    for (let i = 0; i < 4; i++) acks.push(await fred.frames.next("ack"));
    expect(acks.map((a) => [a.cid, a.seq])).toEqual([
      ["f1", 1],
      ["f2", 2],
      ["f1", 1],
      ["f3", 3],
    ]);
    const seen: RoomMessageFrame[] = [];
    for (let i = 0; i < 3; i++) seen.push(await gina.frames.next("room_message"));
    expect(seen.map((m) => [m.seq, m.content])).toEqual([
      [1, "slow first"],
      [2, "fast second"],
      [3, "fast third"],
    ]);
    gina.send({ type: "history" });
    expect((await gina.frames.next("history")).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

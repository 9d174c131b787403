// The outbox against the real worker: a message whose ack is lost is retried
// with the same cid after the reconnect and the room neither stores nor
// broadcasts it twice; messages sent while disconnected wait and go out in
// order; an error frame with the message's ref rejects its promise.
import { describe, expect, it } from "vitest";
import { RoomcastError } from "../../src/client";
import { freshRoom } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients } from "./client-fixture";
import type { NodeSocket } from "./worker-harness";

const fx = useWorkerClients({ proxy: true });

async function setup() {
  const room = freshRoom();
  const timing = new FakeTiming();
  const { client, rec } = await fx.join(room, "Sender", { timing, heartbeat: false });
  // An observer connected directly (not through the proxy) sees what the room broadcasts.
  const observer = await fx.socket(room, "observer");
  return { client, rec, timing, observer };
}

/** Every room_message the observer received, after a final marker proves nothing else is in flight. */
async function observed(observer: NodeSocket): Promise<string[]> {
  observer.send({ type: "room_message", content: "marker", cid: `m-${Date.now()}` });
  await observer.frames.nextMatching(
    (f): f is Extract<typeof f, { type: "room_message" }> =>
      f.type === "room_message" && f.content === "marker",
    "the marker",
  );
  return observer.frames.all.flatMap((f) => (f.type === "room_message" ? [f.content] : []));
}

describe("outbox", () => {
  it("retries a message whose ack was lost with the same cid: delivered once, acked with the original seq", async () => {
    const { client, rec, timing, observer } = await setup();
    fx.proxy.mute(); // the room will store the message, but its ack and broadcast never reach the client
    const acked = client.send("exactly once", { cid: "cid-lost-ack" });
    const stored = await observer.frames.next("room_message");
    expect(stored).toMatchObject({ content: "exactly once", cid: "cid-lost-ack", seq: 1 });
    expect(client.outbox).toMatchObject([{ cid: "cid-lost-ack", status: "sent", attempts: 1 }]);

    fx.proxy.mute(false);
    fx.proxy.dropAll();
    const state = await rec.state("reconnecting");
    expect(client.outbox).toMatchObject([{ cid: "cid-lost-ack", status: "queued", attempts: 1 }]);
    timing.fire(state.delayMs);
    const ack = await acked;
    expect(ack).toMatchObject({ cid: "cid-lost-ack", id: stored.id, seq: 1 });
    expect(rec.outboxes.flat().some((e) => e.cid === "cid-lost-ack" && e.attempts === 2)).toBe(true);
    expect(client.outbox).toEqual([]);

    // The client saw it once (from the resume), the room broadcast it once.
    expect(rec.messages.map((m) => [m.seq, m.cid])).toEqual([[1, "cid-lost-ack"]]);
    expect(await observed(observer)).toEqual(["exactly once", "marker"]);
  });

  it("queues messages sent while disconnected and sends them in order after the reconnect", async () => {
    const { client, rec, timing, observer } = await setup();
    fx.proxy.block();
    fx.proxy.dropAll();
    const state = await rec.state("reconnecting");
    const acks = ["one", "two", "three"].map((text) => client.send(text));
    expect(client.outbox.map((e) => [e.content, e.status])).toEqual([
      ["one", "queued"],
      ["two", "queued"],
      ["three", "queued"],
    ]);
    fx.proxy.block(false);
    timing.fire(state.delayMs);
    const seqs = (await Promise.all(acks)).map((a) => a.seq);
    expect(seqs).toEqual([1, 2, 3]);
    await rec.messageCount(3);
    expect(rec.contents()).toEqual(["one", "two", "three"]);
    expect(await observed(observer)).toEqual(["one", "two", "three", "marker"]);
  });

  it("rejects a send with the error frame that refers to it, and keeps the socket", async () => {
    const { client } = await setup();
    const tooLong = "x".repeat(10_001); // MAX_CONTENT_CHARS is 10000
    const err = await client.send(tooLong, { cid: "too-long" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoomcastError);
    expect(err).toMatchObject({ code: "invalid_message" });
    expect(client.outbox).toEqual([]);
    expect((await client.send("short")).seq).toBe(1);
    expect(client.state.status).toBe("open");
  });

  it("rejects what is still in the outbox when the client is closed", async () => {
    const { client, rec } = await setup();
    fx.proxy.block();
    fx.proxy.dropAll();
    await rec.state("reconnecting");
    const pending = client.send("never sent");
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "closed" });
    await expect(client.send("after close")).rejects.toMatchObject({ code: "closed" });
  });
});

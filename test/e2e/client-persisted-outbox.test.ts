// The outbox kept in storage (`persistOutbox`), against the real worker: what
// was queued when a client closed (a room switch, a reload) is restored by the
// next client for the same room and user and sent with its cid, exactly once —
// also when the first attempt had been stored before the page went away; a
// restored message the room refuses is reported (`unsent`), not lost silently.
import { describe, expect, it } from "vitest";
import type { StorageLike, UnsentMessage } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";
import type { NodeSocket } from "./worker-harness";

const fx = useWorkerClients({ proxy: true });

/** localStorage's three methods over a Map (Node has no localStorage). */
class MapStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** Room messages the observer saw, once a marker it sent itself comes back. */
async function observed(observer: NodeSocket): Promise<string[]> {
  observer.send({ type: "room_message", content: "marker", cid: `m-${Date.now()}` });
  await observer.frames.nextMatching(
    (f): f is Extract<typeof f, { type: "room_message" }> =>
      f.type === "room_message" && f.content === "marker",
    "the marker",
  );
  return observer.frames.all.flatMap((f) => (f.type === "room_message" ? [f.content] : []));
}

describe("a persisted outbox", () => {
  it("survives closing the client offline; the next client sends it exactly once", async () => {
    const room = freshRoom();
    const storage = new MapStorage();
    const token = await signTestToken({ sub: "pat", name: "Pat" });
    const persistOutbox = { storage, user: "pat" };
    const observer = await fx.socket(room, "observer");

    // Online, one message; then the network goes and two more are typed.
    const first = fx.client({ room, token, persistOutbox, heartbeat: false });
    await first.connect();
    await first.send("before");
    fx.proxy.block();
    fx.proxy.dropAll();
    await new Promise((resolve) => first.once("state", resolve));
    const lost = [first.send("typed offline 1"), first.send("typed offline 2")];
    for (const p of lost) p.catch(() => {}); // rejected with `closed` below: the page goes away
    expect(storage.map.size).toBe(1);
    first.close(); // a room switch or reload

    // The next client for the room and user has them at once, before any connection.
    fx.proxy.block(false);
    const second = fx.client({ room, token, persistOutbox });
    expect(second.outbox.map((e) => [e.content, e.status])).toEqual([
      ["typed offline 1", "queued"],
      ["typed offline 2", "queued"],
    ]);
    const acks: number[] = [];
    second.on("ack", (a) => acks.push(a.seq));
    await second.connect();
    await new Promise<void>((resolve) => {
      const off = second.on("outbox", (entries) => {
        if (entries.length === 0) resolve(off());
      });
    });
    expect(acks).toEqual([2, 3]);
    expect(storage.map.size).toBe(0);
    expect(await observed(observer)).toEqual(["before", "typed offline 1", "typed offline 2", "marker"]);
  });

  it("is exactly once when the first attempt was stored before the page went away", async () => {
    const room = freshRoom();
    const storage = new MapStorage();
    const token = await signTestToken({ sub: "sam", name: "Sam" });
    const persistOutbox = { storage, user: "sam" };
    const observer = await fx.socket(room, "observer");
    const first = fx.client({ room, token, persistOutbox, heartbeat: false });
    await first.connect();
    fx.proxy.mute(); // stored by the room, but the ack never arrives
    first.send("stored, ack lost", { cid: "cid-ack-lost" }).catch(() => {});
    await observer.frames.next("room_message");
    first.close();
    fx.proxy.mute(false);

    const second = fx.client({ room, token, persistOutbox });
    const ack = new Promise((resolve) => second.once("ack", resolve));
    await second.connect();
    expect(await ack).toMatchObject({ cid: "cid-ack-lost", seq: 1 });
    expect(await observed(observer)).toEqual(["stored, ack lost", "marker"]);
    expect(storage.map.size).toBe(0);
  });

  it("reports a restored message the room refuses, and keeps other users' outboxes apart", async () => {
    const room = freshRoom();
    const storage = new MapStorage();
    const key = `roomcast.outbox.v1:room:${room}:kim`;
    storage.setItem(key, JSON.stringify([{ cid: "too-long", content: "x".repeat(10_001), createdAt: 1 }]));
    const other = fx.client({
      room,
      token: await signTestToken({ sub: "lee" }),
      persistOutbox: { storage, user: "lee" },
    });
    expect(other.outbox).toEqual([]);
    const client = fx.client({
      room,
      token: await signTestToken({ sub: "kim" }),
      persistOutbox: { storage, user: "kim" },
    });
    const unsent = new Promise<UnsentMessage>((resolve) => client.once("unsent", resolve));
    await client.connect();
    const { entry, error } = await unsent;
    expect(entry.cid).toBe("too-long");
    expect(error.code).toBe("invalid_message");
    expect(storage.getItem(key)).toBeNull();
  });
});

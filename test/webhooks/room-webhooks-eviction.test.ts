// Room event webhooks inside workerd: a delivery the receiver failed stays in
// the room's outbox across an eviction and is delivered by the room's alarm
// with the same webhook-id; once nothing is pending the room has no alarm, so
// webhooks never wake an idle room. The receiver is a Node HTTP server (this
// project's globalSetup) that verifies each request with `standardwebhooks`.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { openRoom } from "../helpers/workerd-socket";

const receiver = new URL(env.EVENT_WEBHOOK_URL).origin;

interface Delivery {
  id: string;
  status: number;
  verified: boolean;
  event?: { type: string; data: { room?: string; message?: { id: string } } };
}

async function deliveriesFor(room: string): Promise<Delivery[]> {
  const log = (await (await fetch(`${receiver}/log`)).json()) as Delivery[];
  return log.filter((d) => d.event?.data.room === room);
}

async function setReceiver(mode: "ok" | "down"): Promise<void> {
  expect((await fetch(`${receiver}/mode/${mode}`, { method: "PUT" })).status).toBe(204);
}

async function publish(room: string, content: string): Promise<{ id: string }> {
  const token = await signTestToken({ sub: "svc-hooks", role: "service" });
  const res = await exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ content }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

interface OutboxState {
  rows: { id: string; attempts: number; due: number }[];
  alarm: number | null;
}

function outboxOf(room: string): Promise<OutboxState> {
  return runInDurableObject(env.ROOM.getByName(room), async (_instance, state) => ({
    rows: state.storage.sql
      .exec<{ id: string; attempts: number; due: number }>("SELECT id, attempts, due FROM webhook_outbox")
      .toArray(),
    alarm: await state.storage.getAlarm(),
  }));
}

describe("room event webhooks across eviction", { timeout: 30_000 }, () => {
  it("keeps a failed delivery through an eviction and delivers it from the alarm, same webhook-id", async () => {
    const room = freshRoom();
    await setReceiver("down");
    try {
      const message = await publish(room, "while the receiver is down");
      await vi.waitUntil(async () => (await deliveriesFor(room)).length >= 1, {
        timeout: 10_000,
        interval: 50,
      });
      const [failed] = await deliveriesFor(room);
      expect(failed).toMatchObject({ status: 503, verified: true, event: { type: "message.created" } });
      expect(failed?.event?.data.message?.id).toBe(message.id);

      // Pending: one row, one attempt made, and the alarm armed for its retry.
      const pending = await outboxOf(room);
      expect(pending.rows).toHaveLength(1);
      expect(pending.rows[0]).toMatchObject({ id: failed?.id, attempts: 1 });
      expect(pending.alarm).not.toBeNull();

      await evictDurableObject(env.ROOM.getByName(room));
      await setReceiver("ok");
      // The row is due at its retry time (later still if the runtime's own alarm
      // retried meanwhile); the alarm delivers only what is due.
      const [row] = (await outboxOf(room)).rows;
      expect(row?.id).toBe(failed?.id);
      await vi.waitUntil(() => Date.now() >= (row?.due ?? 0), { timeout: 15_000, interval: 20 });
      // Run the alarm now, unless the runtime has just run it itself.
      await runDurableObjectAlarm(env.ROOM.getByName(room));
      await vi.waitUntil(async () => (await deliveriesFor(room)).some((d) => d.status === 204), {
        timeout: 10_000,
        interval: 50,
      });
      const after = await deliveriesFor(room);
      expect(after.at(-1)?.status).toBe(204);
      expect(after.slice(0, -1).every((d) => d.status === 503)).toBe(true);
      expect(new Set(after.map((d) => d.id))).toEqual(new Set([failed?.id]));
      await vi.waitUntil(async () => (await outboxOf(room)).rows.length === 0, {
        timeout: 5000,
        interval: 20,
      });
      // Nothing pending and no socket: no alarm, so nothing wakes this idle room.
      expect(await outboxOf(room)).toEqual({ rows: [], alarm: null });
    } finally {
      await setReceiver("ok");
    }
  });

  it("arms no alarm when every delivery succeeds at once", async () => {
    const room = freshRoom();
    await publish(room, "delivered first time");
    await vi.waitUntil(async () => (await deliveriesFor(room)).some((d) => d.status === 204), {
      timeout: 10_000,
      interval: 50,
    });
    await vi.waitUntil(async () => (await outboxOf(room)).rows.length === 0, { timeout: 5000, interval: 20 });
    expect(await outboxOf(room)).toEqual({ rows: [], alarm: null });
  });

  it("adds no wake-up to a room with sockets: once delivered, its alarm is the idle sweep's", async () => {
    const room = freshRoom();
    const joinedAt = Date.now();
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "hi", cid: "w1" });
    await alice.frames.next("ack");
    // user.joined and message.created, both delivered.
    await vi.waitUntil(async () => (await deliveriesFor(room)).filter((d) => d.status === 204).length >= 2, {
      timeout: 10_000,
      interval: 50,
    });
    await vi.waitUntil(async () => (await outboxOf(room)).rows.length === 0, { timeout: 5000, interval: 20 });
    const { alarm } = await outboxOf(room);
    // IDLE_TIMEOUT_MS (60 s) after the connection's activity: not a webhook retry.
    expect(alarm).toBeGreaterThanOrEqual(joinedAt + 60_000 - 1000);
    alice.ws.close(1000);
  });
});

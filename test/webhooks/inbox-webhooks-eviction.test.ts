// Inbox event webhooks inside workerd: a private_message.created the receiver
// failed stays in the sender's inbox outbox across an eviction and is delivered
// by the inbox's alarm with the same webhook-id (the inbox shares the room's
// WebhookEvents; this proves the inbox's alarm drives it). The receiver is this
// project's Node HTTP server, verifying each request with `standardwebhooks`.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { openInbox } from "../helpers/workerd-socket";

const receiver = new URL(env.EVENT_WEBHOOK_URL).origin;

interface Delivery {
  id: string;
  status: number;
  verified: boolean;
  event?: { type: string; data: { id?: string; content?: string; length?: number } };
}

async function deliveriesOf(messageId: string): Promise<Delivery[]> {
  const log = (await (await fetch(`${receiver}/log`)).json()) as Delivery[];
  return log.filter((d) => d.event?.type === "private_message.created" && d.event.data.id === messageId);
}

async function setReceiver(mode: "ok" | "down"): Promise<void> {
  expect((await fetch(`${receiver}/mode/${mode}`, { method: "PUT" })).status).toBe(204);
}

function outboxOf(userId: string) {
  return runInDurableObject(env.USER.getByName(userId), (_instance, state) =>
    state.storage.sql
      .exec<{ id: string; attempts: number; due: number }>("SELECT id, attempts, due FROM webhook_outbox")
      .toArray(),
  );
}

describe("inbox event webhooks across eviction", { timeout: 30_000 }, () => {
  it("keeps a failed private_message.created through an eviction and delivers it from the alarm, same webhook-id", async () => {
    const sender = `alice-${crypto.randomUUID()}`;
    await setReceiver("down");
    try {
      const alice = await openInbox({ sub: sender });
      alice.send({
        type: "private_message",
        to: `bob-${crypto.randomUUID()}`,
        content: "while it is down",
        cid: "e1",
      });
      const ack = await alice.frames.next("ack");
      const messageId = ack.id ?? "";
      await vi.waitUntil(async () => (await deliveriesOf(messageId)).length >= 1, {
        timeout: 10_000,
        interval: 50,
      });
      const [failed] = await deliveriesOf(messageId);
      // Metadata only by default: no content.
      expect(failed).toMatchObject({ status: 503, verified: true, event: { data: { length: 16 } } });
      expect(failed?.event?.data.content).toBeUndefined();
      const [row] = await outboxOf(sender);
      expect(row).toMatchObject({ id: failed?.id, attempts: 1 });
      alice.ws.close(1000);

      await evictDurableObject(env.USER.getByName(sender));
      await setReceiver("ok");
      await vi.waitUntil(() => Date.now() >= (row?.due ?? 0), { timeout: 15_000, interval: 20 });
      await runDurableObjectAlarm(env.USER.getByName(sender));
      await vi.waitUntil(async () => (await deliveriesOf(messageId)).some((d) => d.status === 204), {
        timeout: 10_000,
        interval: 50,
      });
      const after = await deliveriesOf(messageId);
      expect(new Set(after.map((d) => d.id))).toEqual(new Set([failed?.id]));
      await vi.waitUntil(async () => (await outboxOf(sender)).length === 0, { timeout: 5000, interval: 20 });
    } finally {
      await setReceiver("ok");
    }
  });
});

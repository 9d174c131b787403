// Room event webhooks against the whole worker (wrangler's test harness) and a
// local Node HTTP receiver that verifies every request with the Standard
// Webhooks reference library, as a receiver in production would.
import { beforeAll, describe, expect, it } from "vitest";
import type { PublishResult } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWebhookReceiver } from "./webhook-fixture";
import { joinRoom, openInbox, type RunningWorker } from "./worker-harness";

const SECRET = `whsec_${Buffer.from("roomcast-e2e-webhook-secret-32-bytes").toString("base64")}`;
const fx = useWebhookReceiver(SECRET);

async function workerPosting(path: string, extra: Record<string, string> = {}): Promise<RunningWorker> {
  return fx.worker({
    EVENT_WEBHOOK_URL: `${fx.receiver.url}${path}`,
    EVENT_WEBHOOK_SECRET: SECRET,
    EVENT_WEBHOOK_RETRY_MS: "300",
    PRESENCE_GRACE_MS: "0",
    ...extra,
  });
}

const inRoom = (room: string) => (d: { event?: { data: Record<string, unknown> } }) =>
  d.event?.data.room === room;

describe("room event webhooks", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await workerPosting("/ok");
  });

  it("posts user.joined, message.created, message.deleted and user.left, each signed and verified", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await signTestToken({ sub: "alice", name: "Alice" }));
    fx.track(alice);
    alice.send({ type: "room_message", content: "héllo 👋", cid: "c1" });
    const ack = await alice.frames.next("ack");
    alice.send({ type: "delete_message", seq: ack.seq, cid: "d1" });
    await alice.frames.next("message_deleted");
    alice.send({ type: "leave_room" });
    const got = await fx.receiver.waitFor(inRoom(room), 4);
    expect(got.every((d) => d.verified && d.status === 204)).toBe(true);
    const byType = Object.fromEntries(got.map((d) => [d.event?.type, d.event]));
    expect(Object.keys(byType).sort()).toEqual([
      "message.created",
      "message.deleted",
      "user.joined",
      "user.left",
    ]);
    expect(byType["user.joined"]?.data).toMatchObject({ room, user: { id: "alice", name: "Alice" } });
    expect(byType["message.created"]?.data).toMatchObject({
      room,
      message: { type: "room_message", id: ack.id, seq: ack.seq, content: "héllo 👋", cid: "c1" },
    });
    expect(byType["message.deleted"]?.data).toMatchObject({
      room,
      seq: ack.seq,
      id: ack.id,
      by: { id: "alice" },
    });
    expect(byType["user.left"]?.data).toMatchObject({ room, user: { id: "alice" } });
    // Every event its own id, each event's timestamp an ISO time.
    expect(new Set(got.map((d) => d.id)).size).toBe(4);
    for (const d of got) expect(Number.isNaN(Date.parse(d.event?.timestamp ?? ""))).toBe(false);
  });

  it("reports a message published over HTTP like one typed on a socket", async () => {
    const room = freshRoom();
    const service = await signTestToken({ sub: "svc", role: "service" });
    const res = await fetch(new URL(`/v1/rooms/${room}/messages`, worker.url), {
      method: "POST",
      headers: { Authorization: `Bearer ${service}`, "Content-Type": "application/json" },
      body: JSON.stringify({ content: "from the backend", cid: "p1" }),
    });
    const result = (await res.json()) as PublishResult;
    const [created] = await fx.receiver.waitFor(inRoom(room));
    expect(created?.event).toMatchObject({
      type: "message.created",
      data: { message: { id: result.id, seq: result.seq, content: "from the backend", from: { id: "svc" } } },
    });
  });
});

describe("moderation webhooks", () => {
  it("posts moderation.action for a kick, a ban with its reason and until, and an unban", async () => {
    const worker = await workerPosting("/ok");
    const room = freshRoom();
    const mod = await joinRoom(
      worker,
      room,
      await signTestToken({ sub: "mo", name: "Mo", role: "moderator" }),
    );
    const pest = await joinRoom(worker, room, await signTestToken({ sub: "pest", name: "Pest" }));
    fx.track(mod);
    fx.track(pest);
    mod.send({ type: "kick", userId: "pest", reason: "cool off" });
    await mod.frames.next("moderation");
    mod.send({ type: "ban", userId: "pest", durationMs: 60_000, reason: "spam" });
    const banned = await mod.frames.next("moderation");
    mod.send({ type: "unban", userId: "pest" });
    await mod.frames.next("moderation");
    const isModeration = (d: { event?: { type?: string; data: Record<string, unknown> } }) =>
      d.event?.type === "moderation.action" && d.event.data.room === room;
    const got = await fx.receiver.waitFor(isModeration, 3);
    expect(got.every((d) => d.verified)).toBe(true);
    const actions = got.map((d) => d.event?.data).sort((x, y) => Number(x?.timestamp) - Number(y?.timestamp));
    expect(actions.map((d) => d?.action).sort()).toEqual(["ban", "kick", "unban"]);
    const ban = actions.find((d) => d?.action === "ban");
    expect(ban).toMatchObject({
      room,
      target: { id: "pest" }, // kicked first: the room no longer knows the name
      by: { id: "mo", name: "Mo" },
      reason: "spam",
      until: banned.until,
    });
    expect(ban).not.toHaveProperty("type");
  });
});

describe("private message webhooks", () => {
  const isPrivate = (id: string) => (d: { event?: { type?: string; data: Record<string, unknown> } }) =>
    d.event?.type === "private_message.created" && d.event.data.id === id;

  it("posts private_message.created once per message, from the sender's inbox, without the content", async () => {
    const worker = await workerPosting("/ok");
    const alice = await openInbox(
      worker,
      await signTestToken({ sub: `alice-${crypto.randomUUID()}`, name: "Alice" }),
    );
    fx.track(alice);
    const bob = `bob-${crypto.randomUUID()}`;
    alice.send({ type: "private_message", to: bob, content: "meet at 5?", cid: "pm1" });
    const ack = await alice.frames.next("ack");
    const [got] = await fx.receiver.waitFor(isPrivate(ack.id ?? ""));
    expect(got?.verified).toBe(true);
    expect(got?.event?.data).toEqual({
      id: ack.id,
      from: { id: alice.welcome.user.id, name: "Alice" },
      to: bob,
      timestamp: ack.timestamp,
      length: "meet at 5?".length,
    });
    // A retry of the same cid is the same message: no second event.
    alice.send({ type: "private_message", to: bob, content: "meet at 5?", cid: "pm1" });
    await alice.frames.next("ack");
    alice.send({ type: "private_message", to: bob, content: "a later one", cid: "pm2" });
    const later = await alice.frames.next("ack");
    await fx.receiver.waitFor(isPrivate(later.id ?? ""));
    expect(fx.receiver.deliveries.filter(isPrivate(ack.id ?? "")).map((d) => d.id)).toHaveLength(1);
  });

  it("carries the content when EVENT_WEBHOOK_PRIVATE_CONTENT is true", async () => {
    const worker = await workerPosting("/ok", { EVENT_WEBHOOK_PRIVATE_CONTENT: "true" });
    const alice = await openInbox(worker, await signTestToken({ sub: `alice-${crypto.randomUUID()}` }));
    fx.track(alice);
    alice.send({
      type: "private_message",
      to: `bob-${crypto.randomUUID()}`,
      content: "héllo 👋",
      cid: "pm1",
    });
    const ack = await alice.frames.next("ack");
    const [got] = await fx.receiver.waitFor(isPrivate(ack.id ?? ""));
    expect(got?.event?.data).toMatchObject({ content: "héllo 👋", length: "héllo 👋".length });
  });
});

describe("retries", () => {
  it("retries a delivery the receiver failed, with the same webhook-id, until it is delivered", async () => {
    const worker = await workerPosting("/fail-first");
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await signTestToken({ sub: "alice" }));
    fx.track(alice);
    alice.send({ type: "room_message", content: "retry me", cid: "r1" });
    await alice.frames.next("ack");
    const isMessage = (d: { event?: { type: string; data: Record<string, unknown> } }) =>
      d.event?.type === "message.created" && d.event.data.room === room;
    const attempts = await fx.receiver.waitFor(isMessage, 2);
    expect(attempts.map((d) => d.status)).toEqual([500, 204]);
    expect(attempts[1]?.id).toBe(attempts[0]?.id);
    // Signed afresh for the retry (a receiver refuses stale timestamps), never earlier.
    expect(attempts[1]?.timestamp).toBeGreaterThanOrEqual(attempts[0]?.timestamp ?? 0);
    // Delivered once: no third attempt follows the success.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fx.receiver.deliveries.filter(isMessage)).toHaveLength(2);
  });
});

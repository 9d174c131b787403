// The HTTP publish API against the whole worker (wrangler's test harness): a
// backend signs in with a service token from /dev/token, publishes with fetch,
// and a real `ws` client in the room receives it; retries are de-duplicated and
// the service's own limit answers 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublishResult } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, type NodeSocket, type RunningWorker, startWorker } from "./worker-harness";

const SERVICE_RATE = 4;
let worker: RunningWorker;
const opened: NodeSocket[] = [];

beforeAll(async () => {
  worker = await startWorker({ SERVICE_RATE_PER_MINUTE: String(SERVICE_RATE) });
});
afterAll(async () => {
  for (const s of opened) s.ws.close(1000);
  await worker?.close();
});

async function devToken(body: object): Promise<string> {
  const res = await fetch(new URL("/dev/token", worker.url), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

function publish(room: string, token: string, body: object): Promise<Response> {
  return fetch(new URL(`/v1/rooms/${room}/messages`, worker.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("publish API end to end", () => {
  it("a socket client in the room receives a message published with a /dev/token service token", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await signTestToken({ sub: "alice" }));
    opened.push(alice);
    const service = await devToken({ name: "ci-bot", role: "service" });
    const res = await publish(room, service, { content: "build #12 green", cid: "b-12" });
    expect(res.status).toBe(201);
    const result = (await res.json()) as PublishResult;
    const message = await alice.frames.next("room_message");
    expect(message).toMatchObject({
      id: result.id,
      seq: result.seq,
      timestamp: result.timestamp,
      content: "build #12 green",
      from: { name: "ci-bot" },
      cid: "b-12",
    });

    // The retry (say, after a lost response) is answered with the original, not stored again.
    const retry = await publish(room, service, { content: "build #12 green", cid: "b-12" });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(result);
    // A marker message after the retry: alice's next room_message is the marker, not a copy.
    alice.send({ type: "room_message", content: "marker" });
    expect(await alice.frames.next("room_message")).toMatchObject({ content: "marker", seq: result.seq + 1 });

    // A user's token is refused with a JSON reason.
    const user = await devToken({ name: "mallory" });
    const refused = await publish(room, user, { content: "spoof" });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "forbidden" });
  });

  it("limits each service to SERVICE_RATE_PER_MINUTE, apart from users' budgets", async () => {
    const room = freshRoom();
    const service = await signTestToken({ sub: `svc-${room}`, role: "service" });
    for (let i = 0; i < SERVICE_RATE; i++) {
      expect((await publish(room, service, { content: `m${i}` })).status).toBe(201);
    }
    const limited = await publish(room, service, { content: "one too many", cid: "late" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    const body = (await limited.json()) as { error: string; retryAfterMs: number };
    expect(body).toMatchObject({ error: "rate_limited" });
    expect(body.retryAfterMs).toBeGreaterThan(0);
    // Another service, and a user on a socket, still have their own budgets.
    const other = await signTestToken({ sub: `svc2-${room}`, role: "service" });
    expect((await publish(room, other, { content: "fine" })).status).toBe(201);
    const bob = await joinRoom(worker, room, await signTestToken({ sub: "bob" }));
    opened.push(bob);
    bob.send({ type: "room_message", content: "me too", cid: "b1" });
    expect(await bob.frames.next("ack")).toMatchObject({ cid: "b1", seq: SERVICE_RATE + 2 });
  });
});

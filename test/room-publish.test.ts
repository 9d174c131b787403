// POST /v1/rooms/:room/messages through the worker's real fetch handler in
// workerd: service tokens publish on the room's own message path (stored,
// broadcast, de-duplicated by cid); everyone else gets a JSON refusal.
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PublishResult, RoomMessageFrame } from "../src/protocol/frames";
import { refusal } from "./helpers/refusal";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom, roundTrip } from "./helpers/workerd-socket";

const serviceToken = (claims: { sub?: string; name?: string; rooms?: string[] } = {}) =>
  signTestToken({ sub: "svc-deploy", name: "Deploy service", role: "service", ...claims });

function publish(
  room: string,
  body: unknown,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// The first request pays for workerd starting the worker and the room (seconds on a busy machine).
describe("POST /v1/rooms/:room/messages", { timeout: 20_000 }, () => {
  it("stores, acks with 201 and broadcasts a service's message like a socket's", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const res = await publish(room, { content: "deploy finished", cid: "d-1" }, await serviceToken());
    expect(res.status).toBe(201);
    const result = (await res.json()) as PublishResult;
    expect(result).toMatchObject({ seq: 1, cid: "d-1" });
    expect(typeof result.id).toBe("string");
    const seen = await alice.frames.next("room_message");
    expect(seen).toEqual({
      type: "room_message",
      id: result.id,
      seq: 1,
      room,
      from: { id: "svc-deploy", name: "Deploy service" },
      content: "deploy finished",
      timestamp: result.timestamp,
      cid: "d-1",
    } satisfies RoomMessageFrame);
    // Socket messages continue the same seq.
    alice.send({ type: "room_message", content: "thanks", cid: "a-1" });
    expect(await alice.frames.next("ack")).toMatchObject({ seq: 2 });
    const page = (await (
      await exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
        headers: { Authorization: `Bearer ${await serviceToken()}` },
      })
    ).json()) as { messages: RoomMessageFrame[] };
    expect(page.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, "deploy finished"],
      [2, "thanks"],
    ]);
  });

  it("leaves the message path untouched with webhooks off: no outbox table, no alarm", async () => {
    const room = freshRoom();
    expect((await publish(room, { content: "quiet" }, await serviceToken())).status).toBe(201);
    const state = await runInDurableObject(env.ROOM.getByName(room), async (_room, ctx) => ({
      tables: ctx.storage.sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'webhook%'",
        )
        .toArray(),
      alarm: await ctx.storage.getAlarm(),
    }));
    expect(state).toEqual({ tables: [], alarm: null });
  });

  it("shows the message from `from` when given", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const from = { id: "github", name: "GitHub 🐙" };
    expect((await publish(room, { content: "PR #7 merged", from }, await serviceToken())).status).toBe(201);
    expect(await alice.frames.next("room_message")).toMatchObject({ from, content: "PR #7 merged" });
  });

  it("answers a retried cid with the original result (200), stored and broadcast once", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const token = await serviceToken();
    const first = (await (
      await publish(room, { content: "once", cid: "r-1" }, token)
    ).json()) as PublishResult;
    const again = await publish(room, { content: "once", cid: "r-1" }, token);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    // Another service's same cid is its own message.
    const other = await publish(room, { content: "other", cid: "r-1" }, await serviceToken({ sub: "svc-2" }));
    expect(other.status).toBe(201);
    await roundTrip(alice);
    const messages = alice.frames.all.filter((f) => f.type === "room_message");
    expect(messages.map((m) => (m as RoomMessageFrame).content)).toEqual(["once", "other"]);
  });

  it("refuses tokens without the service role, and missing or bad tokens, with JSON errors", async () => {
    const room = freshRoom();
    for (const role of [undefined, "moderator", "admin"]) {
      const token = await signTestToken({ sub: "u", ...(role ? { role } : {}) });
      expect(await refusal(await publish(room, { content: "hi" }, token))).toEqual({
        status: 403,
        error: "forbidden",
      });
    }
    expect(await refusal(await publish(room, { content: "hi" }, undefined))).toEqual({
      status: 401,
      error: "token_missing",
    });
    expect(await refusal(await publish(room, { content: "hi" }, "garbage"))).toEqual({
      status: 401,
      error: "token_invalid",
    });
    const narrow = await serviceToken({ rooms: ["alerts-*"] });
    expect(await refusal(await publish(room, { content: "hi" }, narrow))).toEqual({
      status: 403,
      error: "room_forbidden",
    });
    expect((await publish("alerts-1", { content: "hi" }, narrow)).status).toBe(201);
    expect(await refusal(await publish("bad room!", { content: "hi" }, narrow))).toEqual({
      status: 400,
      error: "invalid_room",
    });
    const foreign = await publish(room, { content: "hi" }, await serviceToken(), {
      Origin: "https://evil.example",
    });
    expect(await refusal(foreign)).toEqual({ status: 403, error: "origin_not_allowed" });
  });

  it("refuses bad bodies with 400/413 and stores nothing", async () => {
    const room = freshRoom();
    const token = await serviceToken();
    const cases: [unknown, number, string][] = [
      ["{not json", 400, "invalid_json"],
      [{}, 400, "invalid_message"],
      [{ content: "" }, 400, "invalid_message"],
      [{ content: "x".repeat(10_001) }, 400, "invalid_message"],
      [{ content: "hi", cid: "c".repeat(65) }, 400, "invalid_message"],
      [{ content: "hi", from: { id: "x" } }, 400, "invalid_message"],
      [{ content: "hi", from: { id: "x", name: "n".repeat(101) } }, 400, "invalid_message"],
      [{ content: "hi", type: "room_message" }, 400, "invalid_message"],
      [{ content: 42 }, 400, "invalid_message"],
      [JSON.stringify({ content: "é".repeat(40_000) }), 413, "too_large"],
    ];
    for (const [body, status, error] of cases) {
      expect(await refusal(await publish(room, body, token))).toEqual({ status, error });
    }
    const page = (await (
      await exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as { messages: unknown[] };
    expect(page.messages).toEqual([]);
  });

  it("counts content in UTF-16 units like sockets: 10000 emoji halves pass, 10001 do not", async () => {
    const room = freshRoom();
    const token = await serviceToken();
    expect((await publish(room, { content: "😀".repeat(5000) }, token)).status).toBe(201);
    expect((await publish(room, { content: `${"😀".repeat(5000)}x` }, token)).status).toBe(400);
  });

  it("answers CORS preflights for POST with a JSON body (a foreign origin's passes, its request is refused)", async () => {
    const preflight = (origin: string) =>
      exports.default.fetch(`http://roomcast.localhost/v1/rooms/${freshRoom()}/messages`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization, content-type",
        },
      });
    const allowed = await preflight("http://localhost:8787");
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
    expect(allowed.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(allowed.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("content-type");
    // A foreign page's preflight passes so it can read why it is refused; the POST itself is refused first thing.
    const foreign = await preflight("https://evil.example");
    expect(foreign.headers.get("Access-Control-Allow-Origin")).toBe("https://evil.example");
    const service = await signTestToken({ sub: "svc", role: "service" });
    const post = await exports.default.fetch(`http://roomcast.localhost/v1/rooms/${freshRoom()}/messages`, {
      method: "POST",
      headers: {
        Origin: "https://evil.example",
        Authorization: `Bearer ${service}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ content: "not stored" }),
    });
    expect(post.status).toBe(403);
    expect(((await post.json()) as { error: string }).error).toBe("origin_not_allowed");
  });
});

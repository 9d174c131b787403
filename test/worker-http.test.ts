// The worker's HTTP surface: refusals before any upgrade, in the contract's order,
// with JSON bodies. Upgrades go through the worker's real fetch handler.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../src/http/app";
import type { ServiceLimits } from "../src/protocol/requests";
import { refusal } from "./helpers/refusal";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom, upgradeRequest } from "./helpers/workerd-socket";

const upgrade = (room: string, headers: Record<string, string> = {}, query = "") =>
  exports.default.fetch(upgradeRequest(room, headers, query));

describe("GET /health", () => {
  it("reports ok and the version", async () => {
    const res = await exports.default.fetch("http://roomcast.localhost/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: expect.any(String) });
  });
});

describe("GET /v1/limits", () => {
  it("publishes the limits the room enforces, readable from any origin without a token", async () => {
    const res = await exports.default.fetch("http://roomcast.localhost/v1/limits", {
      headers: { Origin: "https://app.example" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const limits = (await res.json()) as ServiceLimits;
    expect(limits).toEqual({
      maxContentChars: expect.any(Number),
      maxMessageBytes: expect.any(Number),
      messagesPerMinute: expect.any(Number),
      typingPerMinute: expect.any(Number),
      maxFileBytes: expect.any(Number),
      allowedFileTypes: expect.arrayContaining(["image/png"]),
      uploadsPerMinute: expect.any(Number),
    });
    // The figure a composer sizes itself by is the room's own rule: exactly the
    // limit is stored, one unit more is refused.
    const alice = await openRoom(freshRoom(), { sub: "alice" });
    alice.send({ type: "room_message", content: "x".repeat(limits.maxContentChars), cid: "at" });
    expect(await alice.frames.next("ack")).toMatchObject({ cid: "at" });
    alice.send({ type: "room_message", content: "x".repeat(limits.maxContentChars + 1), cid: "over" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "over" });
  });
});

describe("GET /v1/rooms/:room/ws refusals", () => {
  it("426 for a request that is not a WebSocket upgrade", async () => {
    const res = await exports.default.fetch("http://roomcast.localhost/v1/rooms/abc/ws");
    expect(await refusal(res)).toEqual({ status: 426, error: "upgrade_required" });
  });

  it("400 for a bad room name, before looking at anything else", async () => {
    for (const room of ["a%20b", "x".repeat(101), "%C3%A9t%C3%A9", "a.b"]) {
      const res = await upgrade(room, { Origin: "https://evil.example" });
      expect(await refusal(res)).toEqual({ status: 400, error: "invalid_room" });
    }
  });

  it("403 for a foreign origin, before the token is checked", async () => {
    const res = await upgrade(freshRoom(), { Origin: "https://evil.example" });
    expect(await refusal(res)).toEqual({ status: 403, error: "origin_not_allowed" });
  });

  it("allows the worker's own origin, listed origins, and clients without Origin", async () => {
    const token = await signTestToken();
    for (const origin of ["http://roomcast.localhost", "http://localhost:8787", undefined]) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (origin) headers.Origin = origin;
      const res = await upgrade(freshRoom(), headers);
      expect(res.status).toBe(101);
      res.webSocket?.accept();
      res.webSocket?.close(1000);
    }
  });

  it("401 without a token, with a bad one and with an expired one", async () => {
    const room = freshRoom();
    expect(await refusal(await upgrade(room))).toEqual({ status: 401, error: "token_missing" });
    expect(await refusal(await upgrade(room, { Authorization: "Bearer nope" }))).toEqual({
      status: 401,
      error: "token_invalid",
    });
    const expired = await signTestToken({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await refusal(await upgrade(room, { Authorization: `Bearer ${expired}` }))).toEqual({
      status: 401,
      error: "token_expired",
    });
  });

  it("403 when the rooms claim does not cover the room", async () => {
    const token = await signTestToken({ rooms: ["support-*", "general"] });
    const auth = { Authorization: `Bearer ${token}` };
    expect(await refusal(await upgrade("random", auth))).toEqual({ status: 403, error: "room_forbidden" });
    for (const room of ["general", "support-42"]) {
      const res = await upgrade(room, auth);
      expect(res.status).toBe(101);
      res.webSocket?.accept();
      res.webSocket?.close(1000);
    }
  });
});

describe("upgrade query", () => {
  it("400 for a since that is not a seq", async () => {
    const token = await signTestToken();
    for (const since of ["abc", "-1", "1.5", ""]) {
      const res = await upgrade(freshRoom(), { Authorization: `Bearer ${token}` }, `?since=${since}`);
      expect(await refusal(res)).toEqual({ status: 400, error: "invalid_query" });
    }
  });
});

describe("token transports", () => {
  it("takes the token from the subprotocol and answers roomcast.v1 only", async () => {
    const token = await signTestToken({ sub: "browser-user" });
    const res = await upgrade(freshRoom(), { "Sec-WebSocket-Protocol": `roomcast.v1, bearer.${token}` });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("roomcast.v1");
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });

  it("refuses subprotocols without roomcast.v1 (a browser would reject the answer)", async () => {
    const token = await signTestToken();
    const res = await upgrade(freshRoom(), { "Sec-WebSocket-Protocol": `bearer.${token}` });
    expect(await refusal(res)).toEqual({ status: 400, error: "unsupported_subprotocol" });
  });

  it("takes the token from ?token=", async () => {
    const token = await signTestToken({ sub: "query-user" });
    const res = await upgrade(freshRoom(), {}, `?token=${token}`);
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });
});

describe("POST /dev/token", () => {
  it("signs a token for a name; the same name is the same user", async () => {
    const get = async (name: string) => {
      const res = await exports.default.fetch("http://roomcast.localhost/dev/token", {
        method: "POST",
        body: JSON.stringify({ name }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    };
    const room = freshRoom();
    const a = await openRoom(room, { token: await get("Alice") });
    const b = await openRoom(room, { token: await get("alice") });
    expect(a.welcome.user.id).toBe(b.welcome.user.id);
    expect(a.welcome.user.name).toBe("Alice");
    expect(b.welcome.presence).toHaveLength(1);
  });

  it("400 for a bad body", async () => {
    for (const body of [
      "",
      "{",
      '{"name":""}',
      '{"name":"x\\u0000"}',
      JSON.stringify({ name: "x".repeat(40) }),
    ]) {
      const res = await exports.default.fetch("http://roomcast.localhost/dev/token", {
        method: "POST",
        body,
      });
      expect(await refusal(res)).toEqual({ status: 400, error: "invalid_body" });
    }
  });

  it("404 dev_auth_off rather than sign dev tokens while a real secret is configured", async () => {
    const real = { ...env, JWT_SECRET: "a-real-production-secret-of-enough-length-0001" };
    const res = await app.request("/dev/token", { method: "POST", body: '{"name":"a"}' }, real);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string; message: string };
    // The demo shows this message: it says why and what to do instead.
    expect(body.error).toBe("dev_auth_off");
    expect(body.message).toMatch(/JWT_SECRET/);
  });

  it("404 when dev auth is off", async () => {
    const res = await app.request(
      "/dev/token",
      { method: "POST", body: '{"name":"a"}' },
      { ...env, DEV_AUTH: "false" },
    );
    expect(await refusal(res)).toEqual({ status: 404, error: "dev_auth_off" });
  });

  // The second wall: a deployment given DEV_AUTH="true" by mistake is reached by
  // its public hostname, never by a loopback one.
  it("403 dev_auth_local_only on any host but a loopback one, and the dev key verifies nothing there", async () => {
    for (const host of [
      "roomcast.example.com",
      "roomcast-production.someone.workers.dev",
      "10.0.0.1",
      "127.0.0.1.nip.io",
    ]) {
      const res = await exports.default.fetch(`https://${host}/dev/token`, {
        method: "POST",
        body: '{"name":"mallory","role":"admin"}',
      });
      expect(await refusal(res)).toEqual({ status: 403, error: "dev_auth_local_only" });
    }
    // A token signed with the dev secret (as if minted on someone's laptop) is
    // not accepted on a public host: with no real key there, the service is misconfigured.
    const token = await signTestToken({ sub: "mallory", role: "admin" });
    const room = freshRoom();
    const remote = await exports.default.fetch(
      new Request(`https://roomcast.example.com/v1/rooms/${room}/ws`, {
        headers: { Upgrade: "websocket", Authorization: `Bearer ${token}` },
      }),
    );
    expect(await refusal(remote)).toEqual({ status: 503, error: "misconfigured" });
    for (const host of ["localhost", "roomcast.localhost", "127.0.0.1", "127.9.9.9", "[::1]"]) {
      const res = await exports.default.fetch(`http://${host}/dev/token`, {
        method: "POST",
        body: '{"name":"a"}',
      });
      expect(res.status, host).toBe(200);
    }
  });
});

describe("configuration errors", () => {
  const ws = { headers: { Upgrade: "websocket", Authorization: "Bearer x" } };

  it("503 without a signing key outside dev (no fallback key)", async () => {
    const res = await app.request("/v1/rooms/abc/ws", ws, { ...env, DEV_AUTH: "false" });
    expect(await refusal(res)).toEqual({ status: 503, error: "misconfigured" });
  });

  it("503 with an HS256 secret shorter than 32 bytes", async () => {
    const res = await app.request("/v1/rooms/abc/ws", ws, { ...env, JWT_SECRET: "too-short" });
    expect(await refusal(res)).toEqual({ status: 503, error: "misconfigured" });
  });

  it("503 for a malformed limit var", async () => {
    const res = await app.request("/v1/rooms/abc/ws", ws, { ...env, MAX_MESSAGE_BYTES: "lots" });
    expect(await refusal(res)).toEqual({ status: 503, error: "misconfigured" });
  });
});

describe("GET /v1/rooms/:room/messages", () => {
  it("pages history with bearer auth and refuses bad queries", async () => {
    const room = freshRoom();
    const token = await signTestToken({ sub: "pager" });
    const alice = await openRoom(room, { token });
    for (let i = 1; i <= 3; i++) alice.send({ type: "room_message", content: `m${i}` });
    for (let i = 1; i <= 3; i++) await alice.frames.next("ack");
    const get = (query: string, auth = `Bearer ${token}`) =>
      exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages${query}`, {
        headers: { Authorization: auth },
      });
    const latest = (await (await get("?limit=2")).json()) as { room: string; messages: { seq: number }[] };
    expect(latest).toMatchObject({ room, hasMore: true });
    expect(latest.messages.map((m) => m.seq)).toEqual([2, 3]);
    const after = (await (await get("?after=1")).json()) as { messages: { seq: number }[] };
    expect(after.messages.map((m) => m.seq)).toEqual([2, 3]);
    for (const bad of [
      "?limit=0",
      "?limit=101",
      "?before=x",
      "?before=",
      "?after=-1",
      "?before=2&after=1",
      "?bogus=1",
    ]) {
      expect(await refusal(await get(bad))).toEqual({ status: 400, error: "invalid_query" });
    }
    expect((await get("", "Bearer nope")).status).toBe(401);
  });

  it("lets any origin's preflight through, and refuses a foreign origin's request readably with no data in it", async () => {
    const room = freshRoom();
    const preflight = (origin: string) =>
      exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "authorization",
        },
      });
    const allowed = await preflight("http://localhost:8787");
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
    expect(allowed.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    // A foreign page's preflight passes, so it can learn why it is refused (the SDK's probe)...
    const foreign = await preflight("https://evil.example");
    expect(foreign.headers.get("Access-Control-Allow-Origin")).toBe("https://evil.example");
    // ...and its request, with a valid token, gets the origin refusal and nothing else.
    const token = await signTestToken();
    const get = (origin: string) =>
      exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages`, {
        headers: { Origin: origin, Authorization: `Bearer ${token}` },
      });
    const refused = await get("https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await refused.json()).toEqual({
      error: "origin_not_allowed",
      message: "this origin may not connect",
    });
    const page = await get("http://localhost:8787");
    expect(page.status).toBe(200);
    expect(page.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
  });
});

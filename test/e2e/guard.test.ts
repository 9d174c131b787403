// The abuse guard in the running worker (wrangler's createTestHarness), with its
// limits tuned through vars as an operator would: each rule answers as
// docs/security.md says, in the contract's refusal order.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, freshIp, tryUpgrade } from "../helpers/guard-client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { openSocket, type RunningWorker, serverCloseCode, startWorker } from "./worker-harness";

const LIMITS = {
  CONNECT_RATE_PER_MINUTE: "20",
  TOKEN_FAILURE_STRIKE_AFTER: "3",
  BLOCK_AFTER_STRIKES: "2",
  RATE_LIMIT_PER_MINUTE: "3",
  RATE_LIMIT_STRIKES: "2",
  INVALID_FRAME_STRIKE_AFTER: "3",
  CONTENT_POLICY: "reject",
};

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker(LIMITS);
});
afterAll(async () => {
  await worker?.close();
});

const user = () => signTestToken({ sub: `u-${crypto.randomUUID().slice(0, 8)}` });
const admin = () => signTestToken({ sub: "ops", role: "admin" });

/** Joins `room` as `ip` with a fresh user. */
async function joinAs(ip: string, room: string) {
  const socket = await openSocket(worker.roomUrl(room), {
    headers: { Authorization: `Bearer ${await user()}`, "CF-Connecting-IP": ip },
  });
  await socket.frames.next("welcome");
  return socket;
}

async function blocksOf(ip: string) {
  const list = await call(worker, "GET", "/v1/admin/blocks", { ip: freshIp(), token: await admin() });
  expect(list.status).toBe(200);
  return (list.body.blocks as { ip: string; reason: string; strikes: number; until: number }[]).filter(
    (b) => b.ip === ip,
  );
}

describe("user-agent policy", () => {
  it("refuses listed agents with 403 agent_blocked on upgrades and the HTTP API, before the token", async () => {
    const ip = freshIp();
    const room = freshRoom();
    const bot = { "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)" };
    expect(await tryUpgrade(worker, room, { ip, headers: bot, token: "not-a-token" })).toMatchObject({
      status: 403,
      error: "agent_blocked",
    });
    const page = await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip, headers: bot });
    expect([page.status, page.body.error]).toEqual([403, "agent_blocked"]);
    // Case-insensitive substrings; a browser and no User-Agent at all pass.
    expect((await tryUpgrade(worker, room, { ip, headers: { "User-Agent": "NetSCANNER 1.0" } })).error).toBe(
      "agent_blocked",
    );
    const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" };
    expect((await tryUpgrade(worker, room, { ip, headers: browser, token: await user() })).status).toBe(101);
    expect((await tryUpgrade(worker, room, { ip, token: await user() })).status).toBe(101);
  });

  it("guards /dev/token and the moderator reads, whose refusals a page on an allowed origin can read (CORS)", async () => {
    const ip = freshIp();
    const bot = { "User-Agent": "spider/1.0" };
    const dev = await call(worker, "POST", "/dev/token", { ip, headers: bot, body: { name: "robot" } });
    expect([dev.status, dev.body.error]).toEqual([403, "agent_blocked"]);
    const origin = "http://localhost:8787";
    for (const path of ["moderation", "bans", "messages"]) {
      const answer = await call(worker, "GET", `/v1/rooms/${freshRoom()}/${path}`, {
        ip,
        headers: { ...bot, Origin: origin },
      });
      expect([answer.status, answer.body.error]).toEqual([403, "agent_blocked"]);
      expect(answer.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    }
  });

  it("keeps 426 and 400 ahead of the guard", async () => {
    const bot = { "User-Agent": "crawler" };
    const notUpgrade = await call(worker, "GET", `/v1/rooms/${freshRoom()}/ws`, { headers: bot });
    expect([notUpgrade.status, notUpgrade.body.error]).toEqual([426, "upgrade_required"]);
    expect((await tryUpgrade(worker, "bad%20room", { headers: bot })).status).toBe(400);
  });
});

describe("connect rate per IP", () => {
  it("admits CONNECT_RATE_PER_MINUTE connects and API calls in a minute and refuses the next with 429 and Retry-After", async () => {
    const ip = freshIp();
    const room = freshRoom();
    const token = await user();
    for (let i = 0; i < 10; i++) expect((await tryUpgrade(worker, room, { ip, token })).status).toBe(101);
    for (let i = 0; i < 10; i++) {
      expect((await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip, token })).status).toBe(200);
    }
    const refused = await tryUpgrade(worker, room, { ip, token });
    expect(refused).toMatchObject({ status: 429, error: "too_many_connects" });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    const api = await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip, token });
    expect([api.status, api.body.error]).toEqual([429, "too_many_connects"]);
    // 429 comes before the token check: a bad token still gets 429, not 401.
    expect((await tryUpgrade(worker, room, { ip, token: "garbage" })).status).toBe(429);
    // Another address is unaffected (per IP, not global).
    expect((await tryUpgrade(worker, room, { ip: freshIp(), token })).status).toBe(101);
  });

  it("counts a file upload once, like any API call, and refuses uploads from a blocked address readably", async () => {
    const ip = freshIp();
    const room = freshRoom();
    const token = await user();
    const upload = (from: string) =>
      call(worker, "POST", `/v1/rooms/${room}/files`, {
        ip: from,
        token,
        headers: { "Content-Type": "text/plain", "X-File-Name": "note.txt" },
        raw: "hello",
      });
    for (let i = 0; i < 10; i++) expect((await upload(ip)).status).toBe(201);
    for (let i = 0; i < 10; i++) {
      expect((await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip, token })).status).toBe(200);
    }
    const refused = await upload(ip);
    expect([refused.status, refused.body.error]).toEqual([429, "too_many_connects"]);
    const blocked = freshIp();
    await call(worker, "POST", "/v1/admin/blocks", {
      ip: freshIp(),
      token: await admin(),
      body: { ip: blocked },
    });
    const answer = await upload(blocked);
    expect([answer.status, answer.body.error]).toEqual([403, "blocked"]);
  });

  it("counts IPv6 per /64: addresses in one /64 share the limit, the next /64 does not", async () => {
    const ip = freshIp(true);
    const prefix = ip.slice(0, -"::1".length);
    const room = freshRoom();
    const token = await user();
    for (let i = 0; i < 20; i++) {
      // Twenty different addresses of one /64, as one home network's devices would have.
      const neighbour = `${prefix}:${(i + 1).toString(16)}:0:0:${i.toString(16)}`;
      expect((await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip: neighbour, token })).status).toBe(
        200,
      );
    }
    const another = `${prefix}:ffff::beef`;
    expect((await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip: another, token })).status).toBe(
      429,
    );
    expect(
      (await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip: freshIp(true), token })).status,
    ).toBe(200);
  });
});

describe("strikes and blocks", () => {
  it("blocks an IP after repeated refused tokens, on upgrades and the HTTP API, until an admin lifts it", async () => {
    const ip = freshIp();
    const room = freshRoom();
    // 3 refused tokens = 1 strike; 2 strikes = blocked.
    for (let i = 0; i < 6; i++)
      expect((await tryUpgrade(worker, room, { ip, token: "forged" })).status).toBe(401);
    await vi.waitFor(
      async () => expect((await tryUpgrade(worker, room, { ip, token: await user() })).status).toBe(403),
      {
        timeout: 15_000,
      },
    );
    expect(await tryUpgrade(worker, room, { ip, token: await user() })).toMatchObject({ error: "blocked" });
    const api = await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip, token: await user() });
    expect([api.status, api.body.error]).toEqual([403, "blocked"]);
    expect(await blocksOf(ip)).toEqual([
      expect.objectContaining({ ip, reason: "token_failures", strikes: 2 }),
    ]);

    // The operator behind the blocked address can still lift it with an admin token.
    expect((await call(worker, "GET", "/v1/admin/blocks", { ip, token: await user() })).body.error).toBe(
      "blocked",
    );
    const lifted = await call(worker, "DELETE", `/v1/admin/blocks/${ip}`, { ip, token: await admin() });
    expect(lifted).toMatchObject({ status: 200, body: { ip, lifted: true } });
    expect((await tryUpgrade(worker, room, { ip, token: await user() })).status).toBe(101);
    expect(await blocksOf(ip)).toEqual([]);
  });

  it("counts a 4008 close as a strike from the room; the block closes the offender's other sockets there with 1008", async () => {
    const ip = freshIp();
    const room = freshRoom();
    // Another tab of the offender in the room of the last strike, and an honest user.
    const otherTab = await joinAs(ip, room);
    const honest = await joinAs(freshIp(), room);
    // Both strikes from this room: reports are fire-and-forget, so either may be the one that blocks.
    for (let round = 0; round < 2; round++) {
      const socket = await joinAs(ip, room);
      // RATE_LIMIT_PER_MINUTE=3, RATE_LIMIT_STRIKES=2: the 5th frame closes with 4008.
      for (let i = 0; i < 5; i++) socket.send({ type: "room_message", content: `m${i}` });
      expect((await socket.frames.closed()).code).toBe(4008);
    }
    await vi.waitFor(async () => expect(await blocksOf(ip)).toHaveLength(1), { timeout: 15_000 });
    expect((await blocksOf(ip))[0]).toMatchObject({ reason: "rate_limit_close", strikes: 2 });
    expect((await tryUpgrade(worker, freshRoom(), { ip, token: await user() })).error).toBe("blocked");
    expect(await serverCloseCode(otherTab)).toEqual({ code: 1008, reason: "blocked" });
    honest.send({ type: "room_message", content: "still here", cid: "h1" });
    expect(await honest.frames.next("ack")).toMatchObject({ cid: "h1" });
    honest.ws.close();
  });

  it("applies the content policy to private messages, from inbox and room sockets", async () => {
    const ip = freshIp();
    const recipient = `pm-${crypto.randomUUID().slice(0, 8)}`;
    const sender = await joinAs(ip, freshRoom());
    sender.send({ type: "private_message", to: recipient, content: "<script>x()</script>", cid: "p1" });
    expect(await sender.frames.next("error")).toMatchObject({
      code: "invalid_message",
      message: "content policy",
      ref: "p1",
    });
    const inbox = await openSocket(worker.inboxUrl(), {
      headers: { Authorization: `Bearer ${await user()}`, "CF-Connecting-IP": freshIp() },
    });
    await inbox.frames.next("inbox_welcome");
    inbox.send({ type: "private_message", to: recipient, content: '<img src=x onerror="x()">', cid: "p2" });
    expect(await inbox.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "p2" });
    // Nothing reached the recipient.
    const theirs = await openSocket(worker.inboxUrl(), {
      headers: {
        Authorization: `Bearer ${await signTestToken({ sub: recipient })}`,
        "CF-Connecting-IP": freshIp(),
      },
    });
    expect(await theirs.frames.next("inbox_welcome")).toMatchObject({ seq: 0, conversations: [] });
    sender.ws.close();
    inbox.ws.close();
    theirs.ws.close();
  });

  it("counts bursts of invalid frames and content-policy rejections as strikes", async () => {
    const ip = freshIp();
    const room = freshRoom();
    const socket = await joinAs(ip, room);
    // One content-policy rejection (a strike) and one invalid frame (not yet one)...
    socket.send("not json");
    expect((await socket.frames.next("error")).code).toBe("invalid_json");
    socket.send({ type: "room_message", content: "<script>alert(1)</script>", cid: "x1" });
    expect(await socket.frames.next("error")).toMatchObject({
      code: "invalid_message",
      message: "content policy",
      ref: "x1",
    });
    expect(await blocksOf(ip)).toEqual([]);
    // ...then INVALID_FRAME_STRIKE_AFTER=3 invalid frames on one connection: the second strike.
    const second = await joinAs(ip, freshRoom());
    for (let i = 0; i < 3; i++) second.send({ type: "nope" });
    for (let i = 0; i < 3; i++) expect((await second.frames.next("error")).code).toBe("invalid_message");
    await vi.waitFor(async () => expect(await blocksOf(ip)).toHaveLength(1), { timeout: 15_000 });
    expect((await blocksOf(ip))[0]).toMatchObject({ reason: "invalid_frames", strikes: 2 });
    // The rejected message was never stored.
    const history = await call(worker, "GET", `/v1/rooms/${room}/messages`, {
      ip: freshIp(),
      token: await user(),
    });
    expect(history.body.messages).toEqual([]);
    socket.ws.close();
    second.ws.close();
  });
});

describe("admin API", () => {
  it("blocks an IPv6 address as its /64, listed and lifted as such", async () => {
    const ip = freshIp(true);
    const key = `${ip.slice(0, -"::1".length)}::/64`;
    const token = await admin();
    const added = await call(worker, "POST", "/v1/admin/blocks", { ip: freshIp(), token, body: { ip } });
    expect(added).toMatchObject({ status: 201, body: { block: { ip: key } } });
    const neighbour = ip.replace(/::1$/, ":abcd::2");
    expect((await tryUpgrade(worker, freshRoom(), { ip: neighbour, token: await user() })).error).toBe(
      "blocked",
    );
    expect(await blocksOf(key)).toHaveLength(1);
    const lifted = await call(worker, "DELETE", `/v1/admin/blocks/${encodeURIComponent(key)}`, {
      ip: freshIp(),
      token,
    });
    expect(lifted).toMatchObject({ status: 200, body: { ip: key, lifted: true } });
    expect((await tryUpgrade(worker, freshRoom(), { ip: neighbour, token: await user() })).status).toBe(101);
  });

  it("lists, adds and lifts blocks; blocks expire by themselves", async () => {
    const ip = freshIp();
    const token = await admin();
    const added = await call(worker, "POST", "/v1/admin/blocks", {
      ip: freshIp(),
      token,
      body: { ip, ttlMs: 4000, reason: "manual test" },
    });
    expect(added.status).toBe(201);
    expect(added.body.block).toMatchObject({ ip, reason: "manual test", strikes: 0 });
    expect((await tryUpgrade(worker, freshRoom(), { ip, token: await user() })).error).toBe("blocked");
    expect(await blocksOf(ip)).toHaveLength(1);
    // Nobody lifts it: after ttlMs the address is admitted again.
    await vi.waitFor(
      async () =>
        expect((await tryUpgrade(worker, freshRoom(), { ip, token: await user() })).status).toBe(101),
      { timeout: 20_000, interval: 300 },
    );
    expect(await blocksOf(ip)).toEqual([]);
  });

  it("refuses without an admin token and with a malformed body", async () => {
    const ip = freshIp();
    expect((await call(worker, "GET", "/v1/admin/blocks", { ip })).status).toBe(401);
    const notAdmin = await call(worker, "GET", "/v1/admin/blocks", { ip, token: await user() });
    expect([notAdmin.status, notAdmin.body.error]).toEqual([403, "forbidden"]);
    const token = await admin();
    for (const body of [
      {},
      { ip: "not an ip" },
      { ip: "203.0.113.9", ttlMs: -1 },
      { ip: "203.0.113.9", x: 1 },
    ]) {
      const bad = await call(worker, "POST", "/v1/admin/blocks", { ip, token, body });
      expect([bad.status, bad.body.error]).toEqual([400, "invalid_body"]);
    }
    const missing = await call(worker, "DELETE", `/v1/admin/blocks/${freshIp()}`, { ip, token });
    expect([missing.status, missing.body.error]).toEqual([404, "not_found"]);
  });
});

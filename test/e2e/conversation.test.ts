// The whole worker under workerd (wrangler's createTestHarness), driven from Node
// by real `ws` clients over real TCP sockets: what a client written from
// docs/protocol.md sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../src/protocol/frames";
import { contentOf } from "../helpers/files";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, openSocket, RefusedUpgrade, type RunningWorker, startWorker } from "./worker-harness";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.close();
});

const token = (sub: string, extra = {}) => signTestToken({ sub, name: sub.toUpperCase(), ...extra });

async function refusedStatus(url: string, headers: Record<string, string> = {}, protocols?: string[]) {
  try {
    const socket = await openSocket(url, { headers }, protocols);
    socket.ws.close();
  } catch (err) {
    if (err instanceof RefusedUpgrade) return { status: err.status, error: JSON.parse(err.body).error };
    throw err;
  }
  throw new Error("the upgrade was accepted");
}

describe("a conversation over real sockets", () => {
  it("welcome, presence, broadcast, acks, typing and history", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await token("alice"));
    expect(alice.welcome).toMatchObject({
      room,
      seq: 0,
      resumed: false,
      presence: [{ id: "alice", name: "ALICE" }],
    });
    const bob = await joinRoom(worker, room, await token("bob"));
    expect(bob.welcome.presence.map((u) => u.id).sort()).toEqual(["alice", "bob"]);
    expect(await alice.frames.next("user_joined")).toMatchObject({ room, user: { id: "bob", name: "BOB" } });

    alice.send({ type: "typing_indicator", isTyping: true });
    expect(await bob.frames.next("typing_indicator")).toMatchObject({
      user: { id: "alice" },
      isTyping: true,
    });

    alice.send({ type: "room_message", content: "hi bob 👋\nשלום", cid: "a1" });
    const ack = await alice.frames.next("ack");
    expect(ack).toMatchObject({ cid: "a1", seq: 1 });
    const received = await bob.frames.next("room_message");
    expect(received).toMatchObject({ id: ack.id, seq: 1, content: "hi bob 👋\nשלום", from: { id: "alice" } });
    expect(await alice.frames.next("room_message")).toEqual(received);

    bob.send({ type: "history" });
    expect((await bob.frames.next("history")).messages).toEqual([received]);

    // A second tab of bob's is not a second presence entry, and closing one tab is not a departure.
    const bobTab2 = await joinRoom(worker, room, await token("bob"));
    expect(bobTab2.welcome.presence).toHaveLength(2);
    bobTab2.ws.close(1000);
    bob.ws.close(1000);
    expect(await alice.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
    expect(alice.frames.all.filter((f) => f.type === "user_left")).toHaveLength(1);
    expect(alice.frames.all.filter((f) => f.type === "user_joined")).toHaveLength(1);
    alice.ws.close(1000);
  });

  it("resumes after a drop with no gap and no duplicate", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await token("alice"));
    let bob = await joinRoom(worker, room, await token("bob"));
    const seen: HistoryEntry[] = [];
    for (let i = 1; i <= 3; i++) {
      alice.send({ type: "room_message", content: `m${i}`, cid: `c${i}` });
      seen.push(await bob.frames.next("room_message"));
    }
    bob.ws.terminate();
    for (let i = 4; i <= 7; i++) alice.send({ type: "room_message", content: `m${i}`, cid: `c${i}` });
    for (let i = 4; i <= 7; i++) await alice.frames.next("ack");
    const last = seen.at(-1)?.seq ?? 0;
    bob = await joinRoom(worker, room, await token("bob"), `?since=${last}`);
    expect(bob.welcome.resumed).toBe(true);
    seen.push(...bob.welcome.history);
    alice.send({ type: "room_message", content: "m8", cid: "c8" });
    seen.push(await bob.frames.next("room_message"));
    expect(seen.map(contentOf)).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    alice.ws.close();
    bob.ws.close();
  });

  it("says resumed:false for a since the room has never reached", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await token("alice"), "?since=99");
    expect(alice.welcome).toMatchObject({ resumed: false, seq: 0, history: [] });
    alice.ws.close();
  });

  it("refuses a flood with rate_limited, then closes with 4008", async () => {
    const room = freshRoom();
    const flooder = await joinRoom(worker, room, await token("flooder"));
    for (let i = 0; i < 130; i++) flooder.send({ type: "room_message", content: `spam ${i}`, cid: `s${i}` });
    const error = await flooder.frames.next("error");
    // The budget (100) is spent by s99; a token refills every 600 ms, so on a
    // slow run one or two more may pass before the first refusal.
    const before = flooder.frames.all.slice(0, flooder.frames.all.indexOf(error));
    const acked = before.filter((f) => f.type === "ack").length;
    expect(acked).toBeGreaterThanOrEqual(100);
    expect(acked).toBeLessThan(110);
    expect(error).toMatchObject({ code: "rate_limited", ref: `s${acked}` });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect((await flooder.frames.closed()).code).toBe(4008);
    const stored = flooder.frames.all.filter((f) => f.type === "ack").length;
    const reader = await joinRoom(worker, room, await token("reader"));
    expect(reader.welcome.seq).toBe(stored);
    reader.ws.close();
  });

  it("refuses oversized and malformed frames and keeps the socket", async () => {
    const room = freshRoom();
    const alice = await joinRoom(worker, room, await token("alice"));
    alice.send("x".repeat(70_000));
    expect((await alice.frames.next("error")).code).toBe("too_large");
    alice.send("{oops");
    expect((await alice.frames.next("error")).code).toBe("invalid_json");
    alice.send({ type: "room_message", content: 7, cid: "bad" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "bad" });
    alice.ws.send(Buffer.from([0xde, 0xad]));
    expect((await alice.frames.next("error")).code).toBe("invalid_message");
    alice.send({ type: "room_message", content: "still here" });
    expect((await alice.frames.next("ack")).seq).toBe(1);
    alice.ws.close();
  });

  it("answers the exact heartbeat text with pong", async () => {
    const alice = await joinRoom(worker, freshRoom(), await token("alice"));
    alice.send('{"type":"ping"}');
    expect(await alice.frames.next("pong")).toEqual({ type: "pong" });
    alice.ws.close();
  });
});

describe("refusals over real HTTP", () => {
  it("answers 400, 401, 403 and 426 with JSON before any upgrade", async () => {
    const room = freshRoom();
    expect(await refusedStatus(worker.roomUrl("bad.room"))).toEqual({ status: 400, error: "invalid_room" });
    expect(await refusedStatus(worker.roomUrl(room))).toEqual({ status: 401, error: "token_missing" });
    expect(await refusedStatus(worker.roomUrl(room), { Origin: "https://evil.example" })).toEqual({
      status: 403,
      error: "origin_not_allowed",
    });
    const limited = await token("limited", { rooms: ["only-this"] });
    expect(await refusedStatus(worker.roomUrl(room), { Authorization: `Bearer ${limited}` })).toEqual({
      status: 403,
      error: "room_forbidden",
    });
    const plain = await fetch(new URL(`/v1/rooms/${room}/ws`, worker.url));
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: "upgrade_required" });
  });

  it("accepts the browser transport: subprotocols roomcast.v1 + bearer.<jwt>", async () => {
    const jwt = await token("browser");
    const socket = await openSocket(worker.roomUrl(freshRoom()), {}, ["roomcast.v1", `bearer.${jwt}`]);
    expect(socket.ws.protocol).toBe("roomcast.v1");
    expect((await socket.frames.next("welcome")).user.id).toBe("browser");
    socket.ws.close();
  });

  it("serves the history page over HTTP with bearer auth", async () => {
    const room = freshRoom();
    const jwt = await token("alice");
    const alice = await joinRoom(worker, room, jwt);
    alice.send({ type: "room_message", content: "one" });
    await alice.frames.next("ack");
    const res = await fetch(new URL(`/v1/rooms/${room}/messages`, worker.url), {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ room, hasMore: false, messages: [{ seq: 1, content: "one" }] });
    alice.ws.close();
  });
});

// What the client does after each kind of ending. Against the real worker:
// a normal close (leave → 1000), refusals before the upgrade (401/403, found by
// the refusal probe, since a WebSocket cannot see the HTTP status) and an
// expired token (4001). The worker cannot kick (4003) yet and sends 1008 only
// for blocked clients, which is not built: a scripted local `ws` server sends
// those closes instead.
import { describe, expect, it, vi } from "vitest";
import type { ClientOptions, TokenProvider, TokenRequestReason } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients } from "./client-fixture";
import { Recorder } from "./client-recorder";
import { startScriptedServer } from "./client-scripted-server";
import { joinRoom } from "./worker-harness";

const fx = useWorkerClients();

/** A client of the worker on a fake clock, heartbeats off, with its recorder (not connected). */
function client(options: Partial<ClientOptions>) {
  const timing = new FakeTiming();
  const c = fx.client({ room: freshRoom(), token: "unset", timing, heartbeat: false, ...options });
  return { client: c, rec: new Recorder(c), timing };
}

/** A token provider that records why it was asked; `answer` gets the reason and how many times it was asked. */
function tokenProvider(answer: (reason: TokenRequestReason, asked: number) => string) {
  const reasons: TokenRequestReason[] = [];
  const token: TokenProvider = (reason) => {
    reasons.push(reason);
    return answer(reason, reasons.length);
  };
  return { reasons, token };
}

describe("no reconnect", () => {
  it("after the room closes with 1000 (leave)", async () => {
    const { client: c, rec, timing } = client({ token: await signTestToken() });
    await c.connect();
    c.leave();
    const closed = await rec.state("closed");
    expect(closed.reason).toMatchObject({ code: 1000, kind: "normal" });
    expect(timing.pending()).toEqual([]); // no reconnect scheduled
    expect(rec.summary()).toBe("connecting → open → closed(normal)");
  });

  it.each([
    [4003, "kicked"],
    [1008, "policy"],
  ])("after a %i close from the server (%s)", async (code, kind) => {
    const server = await startScriptedServer([code]);
    try {
      const { client: c, rec, timing } = client({ url: server.url, room: "scripted", token: "t" });
      void c.connect().catch(() => {});
      const closed = await rec.state("closed");
      expect(closed.reason).toMatchObject({ code, kind });
      expect(timing.pending()).toEqual([]);
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("after an HTTP 401 refusal of a static token", async () => {
    const { client: c, rec, timing } = client({ token: "not-a-jwt" });
    await expect(c.connect()).rejects.toMatchObject({ code: "closed" });
    expect((await rec.state("closed")).reason).toMatchObject({ kind: "refused", status: 401 });
    expect(timing.pending()).toEqual([]);
  });

  it("after an HTTP 403 refusal (the token may not use this room)", async () => {
    const token = await signTestToken({ rooms: ["elsewhere"] });
    const { client: c, rec } = client({ token });
    await expect(c.connect()).rejects.toMatchObject({ code: "closed" });
    expect((await rec.state("closed")).reason).toMatchObject({ kind: "refused", status: 403 });
  });

  it("when the token cannot even be offered as a subprotocol", async () => {
    const { client: c, rec, timing } = client({ token: "not a token", transport: "subprotocol" });
    await expect(c.connect()).rejects.toMatchObject({ code: "closed" });
    expect((await rec.state("closed")).reason.kind).toBe("refused");
    expect(timing.pending()).toEqual([]);
  });

  it("after 4001 when the token is static (it cannot be refreshed)", async () => {
    const server = await startScriptedServer([4001]);
    try {
      const { client: c, rec, timing } = client({ url: server.url, room: "scripted", token: "t" });
      void c.connect().catch(() => {});
      expect((await rec.state("closed")).reason).toMatchObject({ code: 4001, kind: "token-expired" });
      expect(timing.pending()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("close()", () => {
  it("leaves no timer behind (heartbeat, typing, retry), so a Node process can exit", async () => {
    const { client: c, timing } = client({ token: await signTestToken(), heartbeat: {} });
    await c.connect();
    c.typing();
    expect(timing.pending().length).toBeGreaterThan(0);
    c.close();
    expect(timing.pending()).toEqual([]);
    expect(c.state).toMatchObject({ status: "closed", reason: { kind: "client" } });
  });
});

describe("token refresh", () => {
  it("asks the provider for a new token after a 401 refusal, once", async () => {
    const good = await signTestToken({ sub: "refresher" });
    const { reasons, token } = tokenProvider((reason) => (reason === "refused" ? good : "stale"));
    const { client: c, rec, timing } = client({ token });
    void c.connect();
    const state = await rec.state("reconnecting");
    expect(state.delayMs).toBe(0);
    timing.fire(0);
    await rec.state("open");
    expect(reasons).toEqual(["initial", "refused"]);
  });

  it("reconnects with a fresh token after the room closes with 4001, and the outbox survives", async () => {
    const room = freshRoom();
    // Long enough that the first connect succeeds even on a loaded machine
    // (an expired token would be refused at the upgrade, 401, not closed with 4001).
    const exp = Math.floor(Date.now() / 1000) + 4;
    const short = await signTestToken({ sub: "expiring", exp });
    const long = await signTestToken({ sub: "expiring" });
    const { reasons, token } = tokenProvider((reason) => (reason === "initial" ? short : long));
    // Renewal on the open socket off: this is the fallback when a token runs out anyway.
    const { client: c, rec, timing } = client({ room, token, tokenRefresh: false });
    await c.connect();
    const observer = await joinRoom(fx.worker, room, await signTestToken({ sub: "observer" }));
    // The room checks expiry on every frame it handles: wait until the token is past it.
    await vi.waitUntil(() => Date.now() > exp * 1000 + 50, { timeout: 8000, interval: 50 });
    const acked = c.send("after expiry");
    // Two paths close with 4001, and which one wins is a race: the frame (handled
    // after the expiry, a prompt close) or the sweep, whose alarm is armed for the
    // token's exp. A close from the alarm reaches the client as a close frame at
    // once, but local workerd ends that TCP connection only when the room is
    // evicted (~10 s) and `ws` reports `close` then or at its 30 s closing timeout
    // (docs/operations.md, "Known runtime behaviour"). Either way the frame was
    // not stored, and the outbox must send it again after the reconnect.
    const state = await rec.state("reconnecting", 35_000);
    expect(state.reason).toMatchObject({ code: 4001, kind: "token-expired" });
    expect(state.delayMs).toBe(0);
    timing.fire(0);
    expect((await acked).seq).toBe(1);
    expect(reasons).toEqual(["initial", "expired"]);
    expect((await observer.frames.next("room_message")).content).toBe("after expiry");
    await rec.messageCount(1);
    observer.ws.close(1000);
  }, 60_000);
});

describe("scripted 4001 with a provider", () => {
  it("does not wait before reconnecting with the new token", async () => {
    const server = await startScriptedServer([4001, 1000]);
    try {
      const { reasons, token } = tokenProvider((_reason, asked) => `token-${asked}`);
      const { client: c, rec, timing } = client({ url: server.url, room: "scripted", token });
      void c.connect().catch(() => {});
      const state = await rec.state("reconnecting");
      expect(state).toMatchObject({ delayMs: 0, reason: { kind: "token-expired" } });
      timing.fire(0);
      expect((await rec.state("closed")).reason.kind).toBe("normal");
      expect(reasons).toEqual(["initial", "expired"]);
    } finally {
      await server.close();
    }
  });
});

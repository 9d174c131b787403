// Moderation, presence grace and token refresh against the whole worker
// (wrangler's test harness) with real `ws` sockets, some through a TCP proxy
// that can cut connections the way a network does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HistoryPage } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { TcpProxy } from "./client-tcp-proxy";
import {
  joinRoom,
  type NodeSocket,
  openSocket,
  RefusedUpgrade,
  type RunningWorker,
  serverCloseCode,
  startWorker,
} from "./worker-harness";

const GRACE_MS = 1500;
let worker: RunningWorker;
let proxy: TcpProxy;
const opened: NodeSocket[] = [];

beforeAll(async () => {
  worker = await startWorker({ PRESENCE_GRACE_MS: String(GRACE_MS) });
  proxy = await TcpProxy.start(worker.url);
});
afterAll(async () => {
  for (const s of opened) s.ws.close(1000);
  await proxy?.close();
  await worker?.close();
});

async function join(room: string, sub: string, claims: { role?: string; exp?: number } = {}, via?: URL) {
  const token = await signTestToken({ sub, name: sub.toUpperCase(), ...claims });
  const target = via ? { ...worker, roomUrl: (r: string) => `ws://${via.host}/v1/rooms/${r}/ws` } : worker;
  const socket = await joinRoom(target, room, token);
  opened.push(socket);
  return socket;
}

/** Resolves once `socket` has handled everything sent before (join_room → room_joined). */
async function barrier(socket: NodeSocket): Promise<void> {
  socket.send({ type: "join_room" });
  await socket.frames.next("room_joined");
}

describe("moderation over real sockets", () => {
  it("kick closes the user's socket with 4003, and they may rejoin", async () => {
    const room = freshRoom();
    const mod = await join(room, "mod", { role: "moderator" });
    const bob = await join(room, "bob");
    mod.send({ type: "kick", userId: "bob", reason: "calm down", cid: "k" });
    expect(await bob.frames.next("moderation")).toMatchObject({ action: "kick", reason: "calm down" });
    expect(await serverCloseCode(bob)).toEqual({ code: 4003, reason: "kicked" });
    const back = await join(room, "bob");
    expect(back.welcome.presence.map((u) => u.id).sort()).toEqual(["bob", "mod"]);
  });

  it("ban refuses the upgrade with 403 banned until it expires by itself", async () => {
    const room = freshRoom();
    const mod = await join(room, "mod", { role: "moderator" });
    const bob = await join(room, "bob");
    mod.send({ type: "ban", userId: "bob", durationMs: 2000 });
    const ban = await mod.frames.next("moderation");
    expect((await serverCloseCode(bob)).code).toBe(4003);
    const token = await signTestToken({ sub: "bob" });
    const refusal = await openSocket(worker.roomUrl(room), {
      headers: { Authorization: `Bearer ${token}` },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(RefusedUpgrade);
    expect((refusal as RefusedUpgrade).status).toBe(403);
    expect(JSON.parse((refusal as RefusedUpgrade).body)).toMatchObject({ error: "banned", until: ban.until });
    // Nothing to await but the clock: the ban ends at `until`, with no job lifting it.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, (ban.until as number) - Date.now() + 100)),
    );
    await join(room, "bob");
  });

  it("delete reaches everyone and history shows the tombstone", async () => {
    const room = freshRoom();
    const mod = await join(room, "mod", { role: "moderator" });
    const bob = await join(room, "bob");
    bob.send({ type: "room_message", content: "delete me", cid: "m" });
    const ack = await bob.frames.next("ack");
    mod.send({ type: "delete_message", seq: ack.seq });
    for (const s of [mod, bob])
      expect(await s.frames.next("message_deleted")).toMatchObject({ seq: ack.seq });
    const res = await fetch(new URL(`/v1/rooms/${room}/messages`, worker.url), {
      headers: { Authorization: `Bearer ${await signTestToken({ sub: "reader" })}` },
    });
    const page = (await res.json()) as HistoryPage;
    expect(page.messages).toEqual([expect.objectContaining({ seq: ack.seq, content: "", deleted: true })]);
  });
});

describe("presence grace over a real TCP drop", () => {
  it("a drop and a reconnect within the grace: the witness sees no user_left; after the grace it does", async () => {
    const room = freshRoom();
    const witness = await join(room, "witness");
    await join(room, "bob", {}, proxy.url);
    await witness.frames.next("user_joined");
    proxy.dropAll(); // the server sees the connection die (1006), not a goodbye
    await join(room, "bob", {}, proxy.url);
    await barrier(witness);
    expect(witness.frames.pending("user_left")).toEqual([]);
    expect(witness.frames.pending("user_joined")).toEqual([]);

    proxy.dropAll();
    expect(await witness.frames.next("user_left", GRACE_MS + 10_000)).toMatchObject({ user: { id: "bob" } });
    expect(witness.frames.all.filter((f) => f.type === "user_left")).toHaveLength(1);
  });
});

describe("token refresh", () => {
  it("keeps a connection open past its first token's exp", async () => {
    const room = freshRoom();
    const exp = Math.floor(Date.now() / 1000) + 3;
    const refreshed = await join(room, "alice", { exp });
    const control = await join(room, "carol", { exp });
    refreshed.send({ type: "auth", token: await signTestToken({ sub: "alice" }) });
    const ok = await refreshed.frames.next("auth_ok");
    expect(ok.exp).toBeGreaterThan(exp + 60);
    // The control socket, never refreshed, is closed by the sweep at the old exp...
    expect((await serverCloseCode(control, 15_000)).code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    // ...while the refreshed one lives on.
    refreshed.send({ type: "room_message", content: "still here", cid: "late" });
    expect((await refreshed.frames.next("ack")).cid).toBe("late");
  });
});

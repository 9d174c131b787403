// Heartbeats against the real worker (its runtime answers {"type":"ping"}),
// through a proxy that can freeze the connection the way a dead peer does:
// the socket stays "open" but nothing arrives. Timers are fired by hand.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PING_FRAME, RoomcastClient } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { Recorder } from "./client-recorder";
import { TcpProxy } from "./client-tcp-proxy";
import { joinRoom, type RunningWorker, startWorker } from "./worker-harness";

const INTERVAL = 30_000;
const TIMEOUT = 10_000;
const CONNECT_TIMEOUT = 10_001; // distinct from TIMEOUT, so timers can be told apart

let worker: RunningWorker;
let proxy: TcpProxy;
const clients: RoomcastClient[] = [];
beforeAll(async () => {
  worker = await startWorker();
  proxy = await TcpProxy.start(worker.url);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  proxy.freeze(false);
});
afterAll(async () => {
  await proxy?.close();
  await worker?.close();
});

async function heartbeatClient(room: string) {
  const timing = new FakeTiming();
  const client = new RoomcastClient({
    url: proxy.url.href,
    room,
    token: await signTestToken({ sub: "hb" }),
    timing,
    connectTimeoutMs: CONNECT_TIMEOUT,
  });
  clients.push(client);
  const rec = new Recorder(client);
  await client.connect();
  return { client, rec, timing };
}

describe("heartbeat", () => {
  it("pings every 30 s by default and a pong clears the deadline", async () => {
    const { client, timing } = await heartbeatClient(freshRoom());
    expect(timing.pending()).toEqual([INTERVAL]);
    const pong = new Promise((resolve) => client.once("pong", resolve));
    timing.fire(INTERVAL);
    // The ping is out: the next ping and the pong deadline are pending.
    expect(timing.pending().sort()).toEqual([TIMEOUT, INTERVAL]);
    await pong;
    expect(timing.pending()).toEqual([INTERVAL]);
    expect(client.state.status).toBe("open");
    expect(PING_FRAME).toBe('{"type":"ping"}');
  });

  it("declares a silent connection dead, reconnects and resumes without a gap", async () => {
    const room = freshRoom();
    const { client, rec, timing } = await heartbeatClient(room);
    const other = await joinRoom(worker, room, await signTestToken({ sub: "other" }));
    other.send({ type: "room_message", content: "before", cid: "b" });
    await rec.messageCount(1);

    proxy.freeze();
    timing.fire(INTERVAL); // ping written, never answered
    timing.fire(TIMEOUT);
    const state = await rec.state("reconnecting");
    expect(state.reason).toMatchObject({ kind: "heartbeat-timeout" });

    // While the client is away, the room moves on.
    other.send({ type: "room_message", content: "while away", cid: "w" });
    await other.frames.next("ack");
    proxy.freeze(false);
    proxy.dropAll();
    timing.fire(state.delayMs);
    await rec.state("open");
    await rec.messageCount(2);
    expect(rec.contents()).toEqual(["before", "while away"]);
    expect(rec.resumes).toEqual([{ since: 1, resumed: true, reset: false }]);
    expect(client.lastSeq).toBe(2);
    other.ws.close(1000);
  });

  it("can be switched off", async () => {
    const timing = new FakeTiming();
    const client = new RoomcastClient({
      url: proxy.url.href,
      room: freshRoom(),
      token: await signTestToken(),
      timing,
      heartbeat: false,
    });
    clients.push(client);
    await client.connect();
    expect(timing.pending()).toEqual([]);
  });
});

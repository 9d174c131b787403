// Heartbeats against the real worker (its runtime answers {"type":"ping"}),
// through a proxy that can freeze the connection the way a dead peer does:
// the socket stays "open" but nothing arrives. Timers are fired by hand.
import { describe, expect, it } from "vitest";
import { PING_FRAME } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients } from "./client-fixture";
import { joinRoom } from "./worker-harness";

const INTERVAL = 30_000;
const TIMEOUT = 10_000;
const CONNECT_TIMEOUT = 10_001; // distinct from TIMEOUT, so timers can be told apart

const fx = useWorkerClients({ proxy: true });

async function heartbeatClient(room: string) {
  const timing = new FakeTiming();
  const token = await signTestToken({ sub: "hb" });
  const { client, rec } = await fx.connect({ room, token, timing, connectTimeoutMs: CONNECT_TIMEOUT });
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
    const other = await joinRoom(fx.worker, room, await signTestToken({ sub: "other" }));
    other.send({ type: "room_message", content: "before", cid: "b" });
    await rec.messageCount(1);

    fx.proxy.freeze();
    timing.fire(INTERVAL); // ping written, never answered
    timing.fire(TIMEOUT);
    const state = await rec.state("reconnecting");
    expect(state.reason).toMatchObject({ kind: "heartbeat-timeout" });

    // While the client is away, the room moves on.
    other.send({ type: "room_message", content: "while away", cid: "w" });
    await other.frames.next("ack");
    fx.proxy.freeze(false);
    fx.proxy.dropAll();
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
    const client = fx.client({ room: freshRoom(), token: await signTestToken(), timing, heartbeat: false });
    await client.connect();
    expect(timing.pending()).toEqual([]);
  });
});

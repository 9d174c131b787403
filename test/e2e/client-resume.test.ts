// Resume across forced disconnects, against real workers: the client reconnects
// with since = last seq and the application sees every message exactly once and
// in order — from the welcome alone, by paging forward when more was missed than
// one welcome holds, and with resumed:false when the room no longer keeps them.
import { describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients, type WorkerClients } from "./client-fixture";
import { Recorder } from "./client-recorder";
import type { NodeSocket } from "./worker-harness";

const plain = useWorkerClients({ proxy: true });
const shortWelcome = useWorkerClients({ vars: { HISTORY_ON_JOIN: "3" }, proxy: true });
const shortHistory = useWorkerClients({ vars: { HISTORY_LIMIT: "5" }, proxy: true });

/** A client behind the proxy, and a direct observer that keeps talking while the client is away. */
async function setup(fx: WorkerClients) {
  const room = freshRoom();
  const timing = new FakeTiming();
  const client = fx.client({
    room,
    token: await signTestToken({ sub: "resumer" }),
    timing,
    heartbeat: false,
  });
  const rec = new Recorder(client);
  const talker = await fx.socket(room, "talker");
  await client.connect();
  return { client, rec, timing, proxy: fx.proxy, talker };
}
type Resumer = Awaited<ReturnType<typeof setup>>;

async function say(talker: NodeSocket, texts: string[]): Promise<void> {
  for (const text of texts) {
    talker.send({ type: "room_message", content: text, cid: text });
    await talker.frames.next("ack");
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

/** Cuts the client off, has the talker say `texts` meanwhile, then lets the client's reconnect through. */
async function sayWhileAway({ rec, timing, proxy, talker }: Resumer, texts: string[]): Promise<void> {
  proxy.block();
  proxy.dropAll();
  const state = await rec.state("reconnecting");
  await say(talker, texts);
  proxy.block(false);
  timing.fire(state.delayMs);
}

describe("resume", () => {
  it("delivers what was missed during a forced disconnect, with no gap and no duplicate", async () => {
    const resumer = await setup(plain);
    const { client, rec, talker } = resumer;
    await say(talker, range(1, 3));
    await rec.messageCount(3);
    await sayWhileAway(resumer, range(4, 8));
    await rec.state("open");
    await say(talker, range(9, 10));
    await rec.messageCount(10);
    expect(rec.contents()).toEqual(range(1, 10));
    expect(rec.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rec.resumes).toEqual([{ since: 3, resumed: true, reset: false }]);
    expect(client.lastSeq).toBe(10);
  });

  it("pages forward when more was missed than one welcome holds (HISTORY_ON_JOIN=3)", async () => {
    const resumer = await setup(shortWelcome);
    const { rec, talker } = resumer;
    await say(talker, range(1, 2));
    await rec.messageCount(2);
    await sayWhileAway(resumer, range(3, 12));
    await rec.messageCount(12);
    await say(talker, ["m13"]);
    await rec.messageCount(13);
    expect(rec.contents()).toEqual(range(1, 13));
    expect(rec.resumes).toEqual([{ since: 2, resumed: true, reset: false }]);
  });

  it("reports resumed:false with the missing range when the room no longer keeps them (HISTORY_LIMIT=5)", async () => {
    const resumer = await setup(shortHistory);
    const { rec, talker } = resumer;
    await say(talker, range(1, 2));
    await rec.messageCount(2);
    await sayWhileAway(resumer, range(3, 12));
    await rec.messageCount(7);
    expect(rec.resumes).toEqual([{ since: 2, resumed: false, reset: false, missed: { from: 3, to: 7 } }]);
    // What the room still keeps is delivered, in order, once.
    expect(rec.contents()).toEqual([...range(1, 2), ...range(8, 12)]);
  });
});

// Resume across forced disconnects, against real workers: the client reconnects
// with since = last seq and the application sees every message exactly once and
// in order — from the welcome alone, by paging forward when more was missed than
// one welcome holds, and with resumed:false when the room no longer keeps them.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RoomcastClient } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { Recorder } from "./client-recorder";
import { TcpProxy } from "./client-tcp-proxy";
import { joinRoom, type NodeSocket, type RunningWorker, startWorker } from "./worker-harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const workers = new Map<string, RunningWorker>();
async function workerWith(vars: Record<string, string>): Promise<RunningWorker> {
  const key = JSON.stringify(vars);
  let worker = workers.get(key);
  if (!worker) {
    worker = await startWorker(vars);
    workers.set(key, worker);
  }
  return worker;
}
afterAll(async () => {
  for (const w of workers.values()) await w.close();
});

/** A client behind a proxy, and a direct observer that keeps talking while the client is away. */
async function setup(vars: Record<string, string> = {}) {
  const worker = await workerWith(vars);
  const proxy = await TcpProxy.start(worker.url);
  const room = freshRoom();
  const timing = new FakeTiming();
  const client = new RoomcastClient({
    url: proxy.url.href,
    room,
    token: await signTestToken({ sub: "resumer" }),
    timing,
    heartbeat: false,
  });
  const rec = new Recorder(client);
  const talker = await joinRoom(worker, room, await signTestToken({ sub: "talker" }));
  cleanups.push(
    () => proxy.close(),
    () => client.close(),
    () => talker.ws.close(1000),
  );
  await client.connect();
  return { client, rec, timing, proxy, talker };
}

async function say(talker: NodeSocket, texts: string[]): Promise<void> {
  for (const text of texts) {
    talker.send({ type: "room_message", content: text, cid: text });
    await talker.frames.next("ack");
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe("resume", () => {
  it("delivers what was missed during a forced disconnect, with no gap and no duplicate", async () => {
    const { client, rec, timing, proxy, talker } = await setup();
    await say(talker, range(1, 3));
    await rec.messageCount(3);
    proxy.block();
    proxy.dropAll();
    const state = await rec.state("reconnecting");
    await say(talker, range(4, 8));
    proxy.block(false);
    timing.fire(state.delayMs);
    await rec.state("open");
    await say(talker, range(9, 10));
    await rec.messageCount(10);
    expect(rec.contents()).toEqual(range(1, 10));
    expect(rec.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rec.resumes).toEqual([{ since: 3, resumed: true, reset: false }]);
    expect(client.lastSeq).toBe(10);
  });

  it("pages forward when more was missed than one welcome holds (HISTORY_ON_JOIN=3)", async () => {
    const { rec, timing, proxy, talker } = await setup({ HISTORY_ON_JOIN: "3" });
    await say(talker, range(1, 2));
    await rec.messageCount(2);
    proxy.block();
    proxy.dropAll();
    const state = await rec.state("reconnecting");
    await say(talker, range(3, 12));
    proxy.block(false);
    timing.fire(state.delayMs);
    await rec.messageCount(12);
    await say(talker, ["m13"]);
    await rec.messageCount(13);
    expect(rec.contents()).toEqual(range(1, 13));
    expect(rec.resumes).toEqual([{ since: 2, resumed: true, reset: false }]);
  });

  it("reports resumed:false with the missing range when the room no longer keeps them (HISTORY_LIMIT=5)", async () => {
    const { rec, timing, proxy, talker } = await setup({ HISTORY_LIMIT: "5" });
    await say(talker, range(1, 2));
    await rec.messageCount(2);
    proxy.block();
    proxy.dropAll();
    const state = await rec.state("reconnecting");
    await say(talker, range(3, 12));
    proxy.block(false);
    timing.fire(state.delayMs);
    await rec.messageCount(7);
    expect(rec.resumes).toEqual([{ since: 2, resumed: false, reset: false, missed: { from: 3, to: 7 } }]);
    // What the room still keeps is delivered, in order, once.
    expect(rec.contents()).toEqual([...range(1, 2), ...range(8, 12)]);
  });
});

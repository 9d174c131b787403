// The error rate counts server failures, not refusals: a client that gets
// itself refused over and over (bad frames, missing tokens, a mute) cannot trip
// the error-rate alert, and a real failure (here: webhook deliveries to a
// receiver that is down) does. Both rates are in GET /v1/admin/stats.
import { afterEach, describe, expect, it } from "vitest";
import type { AdminStats } from "../../src/stats/admin-stats";
import { freePort } from "../helpers/free-port";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, type NodeSocket, openSocket, type RunningWorker, startWorker } from "./worker-harness";

const SECRET = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;

let worker: RunningWorker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

async function stats(w: RunningWorker): Promise<AdminStats> {
  const res = await fetch(new URL("/v1/admin/stats", w.url), {
    headers: { Authorization: `Bearer ${await signTestToken({ sub: "ops", role: "admin" })}` },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as AdminStats;
}

/** Polls the stats until `done`, nudging the room with a frame each round (reports ride on events). */
async function statsWhen(w: RunningWorker, nudge: NodeSocket, done: (s: AdminStats) => boolean) {
  let last: AdminStats | undefined;
  await expect
    .poll(
      async () => {
        nudge.send({ type: "join_room" });
        await nudge.frames.next("room_joined");
        last = await stats(w);
        return done(last);
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(true);
  return last as AdminStats;
}

describe("the error rate", () => {
  it("stays 0 however often clients are refused, and the error_rate alert does not fire", async () => {
    const w = await startWorker({ STATS_FLUSH_MS: "0", ALERT_MAX_ERROR_RATE: "0.05" });
    worker = w;
    const room = freshRoom("refused");
    const mod = await joinRoom(w, room, await signTestToken({ sub: "mod", role: "moderator" }));
    const pest = await joinRoom(w, room, await signTestToken({ sub: "pest" }));
    pest.send({ type: "room_message", content: "hello", cid: "c0" });
    await pest.frames.next("ack");
    mod.send({ type: "mute", userId: "pest" });
    await pest.frames.next("moderation");
    for (let i = 0; i < 10; i++) pest.send({ type: "room_message", content: `muted ${i}` });
    for (let i = 0; i < 10; i++) expect((await pest.frames.next("error")).code).toBe("forbidden");
    for (let i = 0; i < 10; i++) pest.send("{not json");
    for (let i = 0; i < 10; i++) expect((await pest.frames.next("error")).code).toBe("invalid_json");
    for (let i = 0; i < 10; i++) {
      await expect(openSocket(w.roomUrl(room))).rejects.toMatchObject({ status: 401 });
    }

    const s = await statsWhen(
      w,
      mod,
      (x) => (x.totals.errors.invalid_json ?? 0) === 10 && x.totals.refusals.length > 0,
    );
    const five = s.rates[1];
    expect(five?.errorRate).toBe(0);
    expect(five?.failuresPerSec).toBe(0);
    expect(five?.refusalRate).toBeGreaterThan(0.5);
    await w.scheduled();
    expect((await stats(w)).alerts.firing.map((f) => f.alert)).not.toContain("error_rate");
    for (const s of [mod, pest]) s.ws.close();
  });

  it("counts failed webhook deliveries as failures, and the alert fires", async () => {
    const w = await startWorker({
      STATS_FLUSH_MS: "0",
      ALERT_MAX_ERROR_RATE: "0.05",
      EVENT_WEBHOOK_URL: `http://127.0.0.1:${await freePort()}/hook`,
      EVENT_WEBHOOK_SECRET: SECRET,
      EVENT_WEBHOOK_RETRY_MS: "100",
      EVENT_WEBHOOK_MAX_ATTEMPTS: "3",
    });
    worker = w;
    const room = freshRoom("failing");
    const a = await joinRoom(w, room, await signTestToken({ sub: "a" }));
    a.send({ type: "room_message", content: "to a receiver that is down", cid: "c1" });
    await a.frames.next("ack");
    const s = await statsWhen(w, a, (x) => (x.rates[1]?.failuresPerSec ?? 0) > 0);
    expect(s.rates[1]?.errorRate).toBeGreaterThan(0.05);
    await w.scheduled();
    expect((await stats(w)).alerts.firing.map((f) => f.alert)).toContain("error_rate");
    a.ws.close();
  });
});

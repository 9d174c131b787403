// Monitoring never wakes an idle room: with the room evicted (its sockets
// hibernating), scraping /metrics, reading /v1/admin/stats, the cron trigger's
// alert check and the stats object's alarm construct no room object. This project logs one line
// per room construction (LOG_ROOM_WAKEUPS), and the last step proves the
// detector works: a frame from a client does wake the room.

import {
  createExecutionContext,
  createScheduledController,
  evictDurableObject,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { statsObject } from "../../src/stats/stats-client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { openRoom, roundTrip } from "../helpers/workerd-socket";

const WAKE = "roomcast:room-wake";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("monitoring and hibernation", () => {
  it("reads every stat without waking a hibernated room", async () => {
    const room = freshRoom("idle");
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "hello", cid: "h1" });
    await alice.frames.next("ack");
    await evictDurableObject(env.ROOM.getByName(room), { webSockets: "hibernate" });

    const logs = vi.spyOn(console, "log");
    const admin = await signTestToken({ sub: "ops", role: "admin" });
    const auth = { Authorization: `Bearer ${admin}` };
    const metrics = await exports.default.fetch(
      new Request("http://roomcast.localhost/metrics", { headers: auth }),
    );
    expect(metrics.status).toBe(200);
    await metrics.text();
    const stats = await exports.default.fetch(
      new Request("http://roomcast.localhost/v1/admin/stats", { headers: auth }),
    );
    expect(stats.status).toBe(200);
    await stats.json();
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    await runDurableObjectAlarm(statsObject(env));
    expect(logs.mock.calls.flat().filter((line) => line === WAKE)).toEqual([]);

    // The detector works: a client frame wakes the room once.
    await roundTrip(alice);
    expect(logs.mock.calls.flat().filter((line) => line === WAKE)).toEqual([WAKE]);
  });
});

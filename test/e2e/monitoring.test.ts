// Monitoring in the running worker: a scripted workload (3 connects, 5
// messages, 2 error frames, 2 refused upgrades) gives exactly matching
// counters in GET /v1/admin/stats and GET /metrics, whose text a real
// Prometheus text-format parser reads; the endpoints refuse non-admins with
// JSON bodies. STATS_FLUSH_MS=0 lets every event report (the batching itself
// is tested in workerd, test/stats-counters.test.ts).
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminStats } from "../../src/stats/admin-stats";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, openSocket, type RunningWorker, startWorker } from "./worker-harness";

const METRICS_TOKEN = "e2e-metrics-token-0123456789";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ STATS_FLUSH_MS: "0", METRICS_TOKEN });
});
afterAll(async () => {
  await worker?.close();
});

const admin = () => signTestToken({ sub: "ops", role: "admin" });

async function get(path: string, token?: string): Promise<Response> {
  return fetch(new URL(path, worker.url), {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
}

async function stats(): Promise<AdminStats> {
  const res = await get("/v1/admin/stats", await admin());
  expect(res.status).toBe(200);
  return (await res.json()) as AdminStats;
}

describe("monitoring", () => {
  it("counts a scripted workload exactly, in the JSON stats and the Prometheus text", async () => {
    const room = freshRoom("mon");
    const [a, b, c] = await Promise.all(
      ["a", "b", "c"].map(async (sub) => joinRoom(worker, room, await signTestToken({ sub }))),
    );
    for (let i = 0; i < 5; i++) a?.send({ type: "room_message", content: `m${i}`, cid: `c${i}` });
    for (let i = 0; i < 5; i++) await a?.frames.next("ack");
    // CONTENT_POLICY=flag (the default): stored, and counted.
    a?.send({ type: "room_message", content: "<script>x</script>", cid: "c5" });
    await a?.frames.next("ack");
    b?.send("{nope");
    b?.send("[1,2");
    for (let i = 0; i < 2; i++) expect((await b?.frames.next("error"))?.code).toBe("invalid_json");
    for (let i = 0; i < 2; i++) {
      await expect(openSocket(worker.roomUrl(room))).rejects.toMatchObject({ status: 401 });
    }

    // Reports go from events: a frame each round, until the stats show everything.
    const expected = {
      connectionsOpened: 3,
      messages: { room: 6, private: 0, file: 0 },
      deliveries: 18,
      errors: { invalid_json: 2 },
      contentPolicy: { flag: 1 },
      refusals: [{ status: 401, error: "token_missing", count: 2 }],
      acksTimed: 6,
    };
    await expect
      .poll(
        async () => {
          c?.send({ type: "join_room" });
          await c?.frames.next("room_joined");
          return (await stats()).totals;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toMatchObject(expected);
    const now = await stats();
    expect(now.connections).toMatchObject({ active: 3, rooms: 1, states: { room: 3, inbox: 0 } });
    expect(now.topRooms[0]).toEqual({ room, connections: 3, messagesLastHour: 6 });
    expect(now.series.t.length).toBeGreaterThan(0);
    expect(now.latency.samples).toBe(6);

    const res = await get("/metrics", METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const byName = new Map(families.map((f) => [f.name, f]));
    const value = (name: string, labels: Record<string, string> = {}) =>
      Number(
        byName.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
          ?.value,
      );
    expect([...byName.keys()].sort()).toEqual(
      [
        "roomcast_ack_latency_seconds",
        "roomcast_alerts_firing",
        "roomcast_blocks_active",
        "roomcast_connections_active",
        "roomcast_connections_closed_total",
        "roomcast_connections_opened_total",
        "roomcast_content_policy_total",
        "roomcast_deliveries_total",
        "roomcast_delivery_failures_total",
        "roomcast_errors_total",
        "roomcast_messages_total",
        "roomcast_refusals_total",
        "roomcast_rooms_active",
      ].sort(),
    );
    expect(value("roomcast_connections_active")).toBe(3);
    expect(value("roomcast_connections_opened_total")).toBe(3);
    expect(value("roomcast_rooms_active")).toBe(1);
    expect(value("roomcast_messages_total", { kind: "room" })).toBe(6);
    expect(value("roomcast_messages_total", { kind: "private" })).toBe(0);
    expect(value("roomcast_deliveries_total")).toBe(18);
    expect(value("roomcast_content_policy_total", { action: "flag" })).toBe(1);
    expect(value("roomcast_errors_total", { code: "invalid_json" })).toBe(2);
    expect(value("roomcast_refusals_total", { status: "401", error: "token_missing" })).toBe(2);
    expect(value("roomcast_blocks_active")).toBe(0);
    expect(value("roomcast_alerts_firing", { alert: "connections" })).toBe(0);
    const histogram = byName.get("roomcast_ack_latency_seconds");
    expect(histogram?.type).toBe("HISTOGRAM");
    expect(Number(histogram?.metrics[0]?.count)).toBe(6);
    expect(Number(histogram?.metrics[0]?.buckets?.["+Inf"])).toBe(6);
    for (const s of [a, b, c]) s?.ws.close();
  });

  it("refuses non-admins with 401 or 403 and a JSON body", async () => {
    const member = await signTestToken({ sub: "member" });
    const cases: [string, string | undefined, number, string][] = [
      ["/metrics", undefined, 401, "token_missing"],
      ["/metrics", "not-the-metrics-token", 401, "token_invalid"],
      ["/metrics", member, 403, "forbidden"],
      ["/v1/admin/stats", undefined, 401, "token_missing"],
      ["/v1/admin/stats", METRICS_TOKEN, 401, "token_invalid"],
      ["/v1/admin/stats", member, 403, "forbidden"],
    ];
    for (const [path, token, status, error] of cases) {
      const res = await get(path, token);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ error });
    }
  });
});

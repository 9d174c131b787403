// Alerts end to end: with ALERT_MAX_CONNECTIONS=1, two open sockets make the
// cron check fire `connections` once, to a local webhook receiver that verifies
// the Standard Webhooks signature with the `standardwebhooks` library; more
// checks send nothing more; closing the sockets resolves it (one more request).
// A receiver that fails first gets the same message again after ALERT_RETRY_MS.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminStats } from "../../src/stats/admin-stats";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, type NodeSocket, type RunningWorker, startWorker } from "./worker-harness";

interface Received {
  headers: Record<string, string>;
  body: string;
}

const SECRET = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;
const received: Received[] = [];
/** Statuses to answer with, in order; 200 once empty. */
const answers: number[] = [];
let receiver: http.Server;
let worker: RunningWorker;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ headers, body });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  worker = await startWorker({
    STATS_FLUSH_MS: "0",
    ALERT_MAX_CONNECTIONS: "1",
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/roomcast`,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_RETRY_MS: "200",
  });
});
afterAll(async () => {
  await worker?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function stats(): Promise<AdminStats> {
  const res = await fetch(new URL("/v1/admin/stats", worker.url), {
    headers: { Authorization: `Bearer ${await signTestToken({ sub: "ops", role: "admin" })}` },
  });
  return (await res.json()) as AdminStats;
}

/** Waits until the stats count `n` open connections (each round, a frame on `via` makes its room report). */
async function connectionsReach(n: number, via?: NodeSocket): Promise<void> {
  await expect
    .poll(
      async () => {
        if (via) {
          via.send({ type: "join_room" });
          await via.frames.next("room_joined");
        }
        return (await stats()).connections.active;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBe(n);
}

/** The payload of a received request, after verifying its signature (throws if invalid). */
function verified(r: Received): {
  type: string;
  data: { alert: string; state: string; value: number; threshold: number };
} {
  return new Webhook(SECRET).verify(r.body, r.headers) as ReturnType<typeof verified>;
}

async function closeAndWait(socket: NodeSocket): Promise<void> {
  socket.ws.close(1000);
  await socket.frames.closed();
}

describe("alerts", () => {
  it("fires once with a valid signature, then resolves once", async () => {
    const room = freshRoom("alert");
    const a = await joinRoom(worker, room, await signTestToken({ sub: "a" }));
    const b = await joinRoom(worker, room, await signTestToken({ sub: "b" }));
    await connectionsReach(2, a);

    await worker.scheduled();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    const [firing] = received;
    if (!firing) throw new Error("no request");
    expect(firing.headers["content-type"]).toBe("application/json");
    expect(verified(firing)).toMatchObject({
      type: "alert.firing",
      data: { alert: "connections", state: "firing", value: 2, threshold: 1 },
    });
    // Still firing: later checks send nothing.
    await worker.scheduled();
    await worker.scheduled();
    expect(received.length).toBe(1);

    await closeAndWait(b);
    await connectionsReach(1, a);
    await closeAndWait(a);
    await connectionsReach(0);
    await worker.scheduled();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    const resolved = received[1] as Received;
    expect(verified(resolved)).toMatchObject({
      type: "alert.resolved",
      data: { alert: "connections", value: 0 },
    });
    expect(resolved.headers["webhook-id"]).not.toBe(firing.headers["webhook-id"]);

    const { alerts } = await stats();
    expect(alerts.firing).toEqual([]);
    expect(alerts.recent.slice(0, 2).map((e) => [e.state, e.delivery])).toEqual([
      ["resolved", "delivered"],
      ["firing", "delivered"],
    ]);
  });

  it("retries a failed delivery with the same webhook-id", async () => {
    const before = received.length;
    answers.push(503);
    const room = freshRoom("alert");
    const a = await joinRoom(worker, room, await signTestToken({ sub: "a" }));
    const b = await joinRoom(worker, room, await signTestToken({ sub: "b" }));
    await connectionsReach(2, a);
    await worker.scheduled();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(before + 2);
    const [first, retry] = received.slice(before) as [Received, Received];
    expect(retry.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verified(first).type).toBe("alert.firing");
    expect(verified(retry).type).toBe("alert.firing");
    await expect
      .poll(async () => (await stats()).alerts.recent[0], { timeout: 10_000 })
      .toMatchObject({ state: "firing", delivery: "delivered", attempts: 2 });
    a.ws.close();
    b.ws.close();
  });
});

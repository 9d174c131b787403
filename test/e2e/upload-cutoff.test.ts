// Uploads a client cuts off, over raw TCP (node:net) so the connection can end
// mid-body: a reset in the middle of the body, and a half-close after a short
// body. Both are the client's doing: `400 length_mismatch`, counted as a refusal
// of the client, never a `500 internal` (which used to raise the error rate at
// any client's will). What the client reads is not checked: it is gone, and
// locally miniflare's own proxy in front of the worker answers a request whose
// body broke off with a 500 of its own (text/plain, not the worker's JSON).
import { connect, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminStats } from "../../src/stats/admin-stats";
import { binaryPng } from "../helpers/files";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { type RunningWorker, startWorker } from "./worker-harness";

const METRICS_TOKEN = "e2e-cutoff-metrics-token-0123456789";
const DECLARED = 200_000;

let worker: RunningWorker;
beforeAll(async () => {
  // Every event reports at once, so the counters can be read right after.
  worker = await startWorker({ STATS_FLUSH_MS: "0", METRICS_TOKEN });
});
afterAll(async () => {
  await worker?.close();
});

/** Opens a TCP connection to the worker and writes an upload's head plus `sent` bytes of a `DECLARED`-byte body. */
async function startUpload(sent: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const token = await signTestToken({ sub: "cutter" });
  const socket = connect({ host: worker.url.hostname, port: Number(worker.url.port), allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let answer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    answer += chunk;
  });
  const done = new Promise<string>((resolve) => {
    socket.once("close", () => resolve(answer));
    // A reset from either side: whatever arrived is the answer.
    socket.on("error", () => {});
  });
  socket.write(
    [
      `POST /v1/rooms/${freshRoom()}/files HTTP/1.1`,
      `Host: ${worker.url.host}`,
      `Authorization: Bearer ${token}`,
      "Content-Type: image/png",
      `Content-Length: ${DECLARED}`,
      "",
      "",
    ].join("\r\n"),
  );
  socket.write(binaryPng(DECLARED).subarray(0, sent));
  // Nothing tells the client that the worker is reading the body (it checks the
  // token and asks the room first); cut off sooner, the request is dropped
  // before the worker sees it, and the case would test nothing.
  await delay(500);
  return { socket, answer: done };
}

async function stats(): Promise<AdminStats> {
  const res = await fetch(new URL("/v1/admin/stats", worker.url), {
    headers: { Authorization: `Bearer ${await signTestToken({ sub: "ops", role: "admin" })}` },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as AdminStats;
}

describe("an upload cut off by its client", () => {
  it("a reset mid-body and a half-close after a short body: 400 length_mismatch, no internal error", async () => {
    const reset = await startUpload(60_000);
    reset.socket.resetAndDestroy();
    await reset.answer;
    const halfClosed = await startUpload(1_000);
    halfClosed.socket.end();
    expect(await halfClosed.answer).not.toContain('"error":"internal"');

    // Both reach the counters: as the client's refusals, never as a server error.
    const counted = (s: AdminStats, status: number, error: string) =>
      s.totals.refusals.find((r) => r.status === status && r.error === error)?.count ?? 0;
    await expect
      .poll(
        async () => {
          const s = await stats();
          return counted(s, 400, "length_mismatch") + counted(s, 500, "internal");
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(2);
    const s = await stats();
    expect(s.totals.refusals.filter((r) => r.status >= 500)).toEqual([]);
    expect(counted(s, 400, "length_mismatch")).toBe(2);
    const metrics = await fetch(new URL("/metrics", worker.url), {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(await metrics.text()).not.toMatch(/roomcast_refusals_total\{status="5/);
  });
});

/**
 * Helpers for guard tests against the running worker: a fresh client address
 * per test (sent as CF-Connecting-IP, which local workerd passes through as the
 * edge would set it) and plain HTTP calls with a chosen address.
 */
import type { RunningWorker } from "../e2e/worker-harness";
import { openSocket, RefusedUpgrade } from "../e2e/worker-harness";

// Addresses are a random base per module plus a counter, never independent
// random picks: two picks out of 60,000 collided often enough across a suite of
// ~50 addresses (about 1 run in 50) to send a test's connects into another
// test's exhausted window. Within a module they never repeat; across modules
// sharing a worker, two runs of ~100 out of 16 million almost never meet.
const base = Math.floor(Math.random() * 0xffffff);
let counter = 0;

/**
 * An address no other test uses: IPv4 from the private 10/8 range, or IPv6 from 2001:db8::/32.
 * @example const ip = freshIp();
 */
export function freshIp(v6 = false): string {
  counter += 1;
  const n = (base + counter) % 0x1000000;
  return v6
    ? // A fresh /64 each time (the guard counts IPv6 per /64).
      `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::1`
    : `10.${n >> 16}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

/** A response's status, JSON body and headers. */
export interface Answer {
  status: number;
  body: { error?: string; message?: string; [key: string]: unknown };
  headers: Headers;
}

/**
 * An HTTP call to the worker as `ip`.
 * @example await call(worker, "GET", "/v1/admin/blocks", { ip, token })
 */
export async function call(
  worker: RunningWorker,
  method: string,
  path: string,
  options: {
    ip?: string;
    token?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.ip) headers["CF-Connecting-IP"] = options.ip;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(new URL(path, worker.url), {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.raw !== undefined ? { body: options.raw } : {}),
  });
  const text = await res.text();
  let body: Answer["body"] = {};
  try {
    body = JSON.parse(text) as Answer["body"];
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * Tries an upgrade as `ip`; resolves with the refusal, or `{status: 101}` (closing the socket).
 * @example expect((await tryUpgrade(worker, room, { ip, token })).status).toBe(429)
 */
export async function tryUpgrade(
  worker: RunningWorker,
  room: string,
  options: { ip?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; error?: string; retryAfter?: string | undefined }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.ip) headers["CF-Connecting-IP"] = options.ip;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  try {
    const socket = await openSocket(worker.roomUrl(room), { headers });
    socket.ws.close();
    return { status: 101 };
  } catch (err) {
    if (err instanceof RefusedUpgrade) {
      return {
        status: err.status,
        error: (JSON.parse(err.body) as { error: string }).error,
        retryAfter: err.headers?.["retry-after"] as string | undefined,
      };
    }
    throw err;
  }
}

/**
 * Starts the real worker (wrangler's createTestHarness: the worker and its room
 * objects in workerd, from wrangler.toml) for Node-side tests, and opens real
 * `ws` clients against it.
 */
import { expect, vi } from "vitest";
import { createTestHarness } from "wrangler";
import WebSocket from "ws";
import DEV_VARS from "../../scripts/dev-vars.json" with { type: "json" };
import type { InboxWelcomeFrame, WelcomeFrame } from "../../src/protocol/frames";
import { FrameQueue } from "../helpers/frame-queue";

/** A running worker and its base URL. */
export interface RunningWorker {
  url: URL;
  /** ws:// URL of a room's upgrade endpoint. */
  roomUrl(room: string, query?: string): string;
  /** ws:// URL of the inbox upgrade endpoint. */
  inboxUrl(query?: string): string;
  /** Runs the worker's cron trigger once, as the platform does every minute. */
  scheduled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the worker as `npm run dev` runs it (the deployable config plus
 * scripts/dev-vars.json: dev sign-in on), with optional test-only var overrides;
 * `{ deployable: true }` starts the config exactly as `wrangler deploy` ships it.
 * @example const worker = await startWorker({ RATE_LIMIT_PER_MINUTE: "20" });
 */
export async function startWorker(
  vars: Record<string, string> = {},
  options: { deployable?: boolean } = {},
): Promise<RunningWorker> {
  const all = options.deployable ? vars : { ...DEV_VARS, ...vars };
  const harness = createTestHarness({ workers: [{ configPath: "./wrangler.toml", vars: all }] });
  const { url } = await harness.listen();
  return {
    url,
    roomUrl: (room, query = "") => `${url.origin.replace(/^http/, "ws")}/v1/rooms/${room}/ws${query}`,
    inboxUrl: (query = "") => `${url.origin.replace(/^http/, "ws")}/v1/inbox/ws${query}`,
    scheduled: async () => {
      await harness.getWorker().scheduled({ cron: "* * * * *", scheduledTime: new Date() });
    },
    close: () => harness.close(),
  };
}

/** A `ws` client with its frame queue. */
export interface NodeSocket {
  ws: WebSocket;
  frames: FrameQueue;
  send(frame: object | string): void;
}

/** Opens a socket and waits for it to open (or for the refusal, which rejects). */
export function openSocket(
  url: string,
  options: WebSocket.ClientOptions = {},
  protocols?: string[],
): Promise<NodeSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    const frames = new FrameQueue(ws);
    const timer = setTimeout(() => reject(new Error(`timed out opening ${url}`)), 10_000);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve({ ws, frames, send: (f) => ws.send(typeof f === "string" ? f : JSON.stringify(f)) });
    });
    ws.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => reject(new RefusedUpgrade(res.statusCode ?? 0, body, res.headers)));
    });
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** An upgrade the server answered with an HTTP error instead of 101. */
export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers?: Record<string, string | string[] | undefined>,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

/** Opens a socket with a bearer token and waits for the welcome. */
export async function joinRoom(
  worker: RunningWorker,
  room: string,
  token: string,
  query = "",
): Promise<NodeSocket & { welcome: WelcomeFrame }> {
  const socket = await openSocket(worker.roomUrl(room, query), {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { ...socket, welcome: await socket.frames.next("welcome") };
}

/** Opens the token's own inbox with a bearer token and waits for the `inbox_welcome`. */
export async function openInbox(
  worker: RunningWorker,
  token: string,
  query = "",
): Promise<NodeSocket & { welcome: InboxWelcomeFrame }> {
  const socket = await openSocket(worker.inboxUrl(query), { headers: { Authorization: `Bearer ${token}` } });
  return { ...socket, welcome: await socket.frames.next("inbox_welcome") };
}

/**
 * The close code the server sent. A socket closed from another socket's event
 * (a kick) gets its close frame at once, but local workerd ends the TCP
 * connection only when the room is evicted (docs/operations.md), so the `close`
 * event would wait for ws's 30 s closing timeout; ending the TCP connection from
 * our side once the close frame is in (CLOSING) reports the server's code.
 * @example expect(await serverCloseCode(bob)).toEqual({ code: 4003, reason: "kicked" });
 */
export async function serverCloseCode(
  socket: NodeSocket,
  timeout = 5000,
): Promise<{ code: number; reason: string }> {
  await vi.waitFor(() => expect(socket.ws.readyState).toBeGreaterThanOrEqual(WebSocket.CLOSING), { timeout });
  socket.ws.terminate();
  return socket.frames.closed();
}

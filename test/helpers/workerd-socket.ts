/**
 * Opens real WebSocket upgrades through the worker's own fetch handler inside
 * workerd (the same path a client takes: worker → room object).
 */
import { exports } from "cloudflare:workers";
import type { InboxWelcomeFrame, WelcomeFrame } from "../../src/protocol/frames";
import { FrameQueue } from "./frame-queue";
import { signTestToken } from "./tokens";

/** An open test connection; `W` is its first frame. */
export interface TestSocket<W = WelcomeFrame> {
  ws: WebSocket;
  frames: FrameQueue;
  welcome: W;
  response: Response;
  /** Sends a frame as JSON (or raw text when given a string). */
  send(frame: object | string): void;
}

/** Options for {@link openRoom}. */
export interface OpenOptions {
  token?: string;
  sub?: string;
  name?: string;
  /** The token's `role` claim (`admin`, `moderator`, …). */
  role?: string;
  /** The token's `rooms` claim. */
  rooms?: string[];
  since?: number;
  /** Extra upgrade query, e.g. `presence=diff`. */
  query?: string;
  headers?: Record<string, string>;
}

/** A request for the room's upgrade URL. */
export function upgradeRequest(room: string, headers: Record<string, string>, query = ""): Request {
  return upgradeRequestTo(`/v1/rooms/${room}/ws`, headers, query);
}

function upgradeRequestTo(path: string, headers: Record<string, string>, query: string): Request {
  return new Request(`http://roomcast.localhost${path}${query}`, {
    headers: { Upgrade: "websocket", ...headers },
  });
}

/**
 * Connects to `room` and waits for the welcome.
 * @example const alice = await openRoom(room, { sub: "alice" });
 */
export function openRoom(room: string, options: OpenOptions = {}): Promise<TestSocket> {
  return open(`/v1/rooms/${room}/ws`, "welcome", options);
}

/**
 * Connects to the token's own inbox and waits for the `inbox_welcome`.
 * @example const bob = await openInbox({ sub: "bob" });
 */
export function openInbox(options: OpenOptions = {}): Promise<TestSocket<InboxWelcomeFrame>> {
  return open("/v1/inbox/ws", "inbox_welcome", options);
}

async function open<T extends "welcome" | "inbox_welcome">(
  path: string,
  welcomeType: T,
  options: OpenOptions,
): Promise<TestSocket<T extends "welcome" ? WelcomeFrame : InboxWelcomeFrame>> {
  const token =
    options.token ??
    (await signTestToken({
      ...(options.sub ? { sub: options.sub } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.role ? { role: options.role } : {}),
      ...(options.rooms ? { rooms: options.rooms } : {}),
    }));
  const params = [options.since !== undefined ? `since=${options.since}` : "", options.query ?? ""].filter(
    Boolean,
  );
  const query = params.length > 0 ? `?${params.join("&")}` : "";
  const response = await exports.default.fetch(
    upgradeRequestTo(path, { Authorization: `Bearer ${token}`, ...options.headers }, query),
  );
  const ws = response.webSocket;
  if (!ws) throw new Error(`expected an upgrade, got ${response.status}: ${await response.text()}`);
  const frames = new FrameQueue(ws);
  ws.accept();
  const welcome = (await frames.next(welcomeType)) as T extends "welcome" ? WelcomeFrame : InboxWelcomeFrame;
  return {
    ws,
    frames,
    welcome,
    response,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
  };
}

/**
 * Tries to connect to `room` and returns the refusal (status and JSON body);
 * fails the test if the upgrade is accepted.
 * @example expect((await refusedUpgrade(room, { sub: "bob" })).status).toBe(403);
 */
export async function refusedUpgrade(
  room: string,
  options: { sub: string; role?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await signTestToken({ sub: options.sub, ...(options.role ? { role: options.role } : {}) });
  const response = await exports.default.fetch(upgradeRequest(room, { Authorization: `Bearer ${token}` }));
  if (response.webSocket) throw new Error("expected a refusal, the upgrade was accepted");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A barrier: once `room_joined` comes back, every frame sent before it was handled. */
export async function roundTrip(socket: TestSocket<unknown>): Promise<void> {
  socket.send({ type: "join_room" });
  await socket.frames.next("room_joined");
}

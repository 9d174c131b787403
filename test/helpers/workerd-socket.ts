/**
 * Opens real WebSocket upgrades through the worker's own fetch handler inside
 * workerd (the same path a client takes: worker → room object).
 */
import { exports } from "cloudflare:workers";
import type { WelcomeFrame } from "../../src/protocol/frames";
import { FrameQueue } from "./frame-queue";
import { signTestToken } from "./tokens";

/** An open test connection. */
export interface TestSocket {
  ws: WebSocket;
  frames: FrameQueue;
  welcome: WelcomeFrame;
  response: Response;
  /** Sends a frame as JSON (or raw text when given a string). */
  send(frame: object | string): void;
}

/** Options for {@link openRoom}. */
export interface OpenOptions {
  token?: string;
  sub?: string;
  name?: string;
  since?: number;
  /** Extra upgrade query, e.g. `presence=diff`. */
  query?: string;
  headers?: Record<string, string>;
}

/** A request for the room's upgrade URL. */
export function upgradeRequest(room: string, headers: Record<string, string>, query = ""): Request {
  return new Request(`http://roomcast.test/v1/rooms/${room}/ws${query}`, {
    headers: { Upgrade: "websocket", ...headers },
  });
}

/**
 * Connects to `room` and waits for the welcome.
 * @example const alice = await openRoom(room, { sub: "alice" });
 */
export async function openRoom(room: string, options: OpenOptions = {}): Promise<TestSocket> {
  const token =
    options.token ??
    (await signTestToken({
      ...(options.sub ? { sub: options.sub } : {}),
      ...(options.name ? { name: options.name } : {}),
    }));
  const params = [options.since !== undefined ? `since=${options.since}` : "", options.query ?? ""].filter(
    Boolean,
  );
  const query = params.length > 0 ? `?${params.join("&")}` : "";
  const response = await exports.default.fetch(
    upgradeRequest(room, { Authorization: `Bearer ${token}`, ...options.headers }, query),
  );
  const ws = response.webSocket;
  if (!ws) throw new Error(`expected an upgrade, got ${response.status}: ${await response.text()}`);
  const frames = new FrameQueue(ws);
  ws.accept();
  const welcome = await frames.next("welcome");
  return {
    ws,
    frames,
    welcome,
    response,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
  };
}

/** A barrier: once `room_joined` comes back, every frame sent before it was handled. */
export async function roundTrip(socket: TestSocket): Promise<void> {
  socket.send({ type: "join_room" });
  await socket.frames.next("room_joined");
}

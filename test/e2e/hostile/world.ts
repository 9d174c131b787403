/**
 * The hostile suite's harness. Each case gets a {@link CaseWorld}: a fresh room
 * and client address on the shared running worker, and probes (real `ws`
 * sockets) that record every byte the server sends. After the case, the suite
 * checks the world: two witnesses still chat in the room, the stored history is
 * exactly the messages the server acknowledged, and nothing the server sent
 * carries a stack trace, a secret or a token.
 */
import WebSocket from "ws";
import type { AckFrame, ErrorFrame, RoomMessageFrame, ServerFrame } from "../../../src/protocol/frames";
import { FrameQueue } from "../../helpers/frame-queue";
import { freshIp } from "../../helpers/guard-client";
import { DEV_SECRET, freshRoom, signTestToken, type TestClaims } from "../../helpers/tokens";
import type { RunningWorker } from "../worker-harness";

/** One hostile case. */
export interface HostileCase {
  group: string;
  name: string;
  run(world: CaseWorld): Promise<void>;
}

/** Options for a connection attempt. */
export interface ConnectOptions {
  room?: string;
  /** A token (default: a fresh user's), or null for none. */
  token?: string | null;
  sub?: string;
  ip?: string;
  query?: string;
  headers?: Record<string, string>;
  protocols?: string[];
  /** Put the token in this transport instead of the Authorization header. */
  via?: "header" | "query" | "subprotocol";
}

/** A real socket whose every frame, close and error is recorded by its world. */
export class Probe {
  readonly frames: FrameQueue;
  closeCode: number | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly world: CaseWorld,
    readonly sub: string,
  ) {
    this.frames = new FrameQueue(ws);
    ws.on("message", (data) => world.saw(String(data)));
    ws.on("close", (code, reason) => {
      this.closeCode = code;
      world.saw(reason.toString());
      if (code === 1011) world.crash(`close 1011 (${reason.toString()})`);
    });
  }

  /** Sends a frame (objects as JSON, strings as they are). */
  send(frame: object | string): void {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a room_message with a fresh cid and waits for its ack or error. */
  async message(content: string, extra: Record<string, unknown> = {}): Promise<AckFrame | ErrorFrame> {
    const cid = (extra.cid as string | undefined) ?? crypto.randomUUID();
    this.send({ type: "room_message", content, cid, ...extra });
    return this.answerTo(cid);
  }

  /** The ack or error that answers `cid`. */
  answerTo(cid: string, timeoutMs = 5000): Promise<AckFrame | ErrorFrame> {
    return this.frames.nextMatching(
      (f): f is AckFrame | ErrorFrame =>
        (f.type === "ack" && f.cid === cid) || (f.type === "error" && f.ref === cid),
      `the answer to ${cid}`,
      timeoutMs,
    );
  }

  /** Waits for the server to close this socket. */
  async closed(timeoutMs = 5000): Promise<number> {
    return (await this.frames.closed(timeoutMs)).code;
  }
}

/** A refused upgrade or an HTTP answer. */
export interface Refusal {
  status: number;
  error: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** Everything one case did and saw. */
export class CaseWorld {
  readonly room = freshRoom("hostile");
  readonly ip = freshIp();
  /** Every text the server sent in this case: frames, close reasons, HTTP bodies. */
  readonly transcript: string[] = [];
  readonly crashes: string[] = [];
  readonly probes: Probe[] = [];

  constructor(readonly worker: RunningWorker) {}

  /** Records text the server sent. */
  saw(text: string): void {
    this.transcript.push(text);
    try {
      const frame = JSON.parse(text) as ServerFrame;
      if (frame.type === "error" && frame.code === "internal") this.crash(`internal error frame: ${text}`);
    } catch {
      // Not JSON (a close reason): scanned for leaks all the same.
    }
  }

  crash(what: string): void {
    this.crashes.push(what);
  }

  /** A valid token for `sub` (fresh when omitted) with extra claims. */
  token(claims: TestClaims = {}): Promise<string> {
    return signTestToken({ sub: `h-${crypto.randomUUID().slice(0, 8)}`, ...claims });
  }

  /** The room's upgrade URL with optional query. */
  url(room = this.room, query = ""): string {
    return this.worker.roomUrl(room, query);
  }

  /** Opens a socket and waits for its welcome; throws a {@link Refusal} if refused. */
  async join(options: ConnectOptions = {}): Promise<Probe> {
    const attempt = await this.attempt(options);
    if (!(attempt instanceof Probe)) {
      throw new Error(`upgrade refused: ${attempt.status} ${attempt.error}`);
    }
    await attempt.frames.next("welcome");
    return attempt;
  }

  /** An upgrade that must be refused: its status and error code. */
  async refused(options: ConnectOptions = {}): Promise<Refusal> {
    const attempt = await this.attempt(options);
    if (attempt instanceof Probe) {
      attempt.ws.close();
      throw new Error("the upgrade was accepted");
    }
    return attempt;
  }

  /** Tries an upgrade: an open probe, or the refusal. */
  async attempt(options: ConnectOptions = {}): Promise<Probe | Refusal> {
    const sub = options.sub ?? `h-${crypto.randomUUID().slice(0, 8)}`;
    const token = options.token === undefined ? await signTestToken({ sub }) : options.token;
    const headers: Record<string, string> = { "CF-Connecting-IP": options.ip ?? this.ip, ...options.headers };
    let query = options.query ?? "";
    const protocols = [...(options.protocols ?? [])];
    const via = options.via ?? "header";
    if (token !== null) {
      if (via === "header") headers.Authorization = `Bearer ${token}`;
      if (via === "query") query = `${query ? `${query}&` : "?"}token=${encodeURIComponent(token)}`;
      if (via === "subprotocol") protocols.push("roomcast.v1", `bearer.${token}`);
    }
    const url = this.url(options.room ?? this.room, query);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols.length > 0 ? protocols : undefined, { headers });
      const timer = setTimeout(() => reject(new Error(`timed out opening ${url}`)), 10_000);
      ws.once("open", () => {
        clearTimeout(timer);
        const probe = new Probe(ws, this, sub);
        this.probes.push(probe);
        resolve(probe);
      });
      ws.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => {
          this.saw(body);
          const status = res.statusCode ?? 0;
          if (status >= 500) this.crash(`HTTP ${status}: ${body}`);
          resolve({ status, error: errorOf(body), headers: res.headers });
        });
      });
      ws.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** An HTTP call as this case's client (its IP unless another is given). */
  async http(
    method: string,
    path: string,
    options: { token?: string; ip?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Refusal & { body: unknown }> {
    const headers: Record<string, string> = { "CF-Connecting-IP": options.ip ?? this.ip, ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const res = await fetch(new URL(path, this.worker.url), {
      method,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await res.text();
    this.saw(text);
    if (res.status >= 500) this.crash(`HTTP ${res.status} ${method} ${path}: ${text}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, error: errorOf(text), headers: Object.fromEntries(res.headers), body };
  }

  /** Every message stored in `room`, read through the HTTP API from a fresh address. */
  async storedMessages(room = this.room): Promise<RoomMessageFrame[]> {
    const token = await this.token();
    const messages: RoomMessageFrame[] = [];
    let after = 0;
    for (;;) {
      const page = await this.http("GET", `/v1/rooms/${room}/messages?after=${after}&limit=100`, {
        token,
        ip: freshIp(),
      });
      if (page.status !== 200) throw new Error(`history page answered ${page.status}`);
      const body = page.body as { messages: RoomMessageFrame[]; hasMore: boolean };
      messages.push(...body.messages);
      if (!body.hasMore || body.messages.length === 0) return messages;
      after = body.messages[body.messages.length - 1]?.seq ?? after;
    }
  }

  /**
   * The messages the server accepted in `room`: each acked seq, with the content
   * the sender's own socket received for it.
   */
  acceptedMessages(room = this.room): Map<number, string> {
    const accepted = new Map<number, string>();
    for (const probe of this.probes) {
      const seen = new Map<number, RoomMessageFrame>();
      const acks: AckFrame[] = [];
      for (const frame of probe.frames.all) {
        if (frame.type === "room_message" && frame.room === room) seen.set(frame.seq, frame);
        if (frame.type === "ack") acks.push(frame);
      }
      for (const ack of acks) {
        const own = seen.get(ack.seq);
        if (own && own.from.id === probe.sub) accepted.set(ack.seq, own.content);
      }
    }
    return accepted;
  }

  /** Closes every probe still open. */
  closeAll(): void {
    for (const probe of this.probes) probe.ws.terminate();
  }
}

function errorOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: string }).error;
  } catch {
    return undefined;
  }
}

const LEAKS: [string, RegExp][] = [
  ["a JWT", /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
  ["the dev secret", new RegExp(DEV_SECRET)],
  ["a stack trace", /\n\s+at\s|\bat [\w.$<>]+ \(|\.(?:ts|js|mjs):\d+:\d+|node_modules|workerd\//],
];

/** What in `text` looks like a leak, if anything. */
export function leakIn(text: string): string | undefined {
  for (const [what, pattern] of LEAKS) if (pattern.test(text)) return what;
  return undefined;
}

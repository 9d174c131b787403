/**
 * A load thread: holds a slice of the room's clients, opens them, sends on
 * command and counts every delivery with as little work per frame as possible
 * (the frame type is read from a fixed byte offset and the cid is parsed from
 * the raw bytes; nothing is JSON-parsed), so the clients are not the bottleneck
 * before the server is. Driven by bench/load/driver.ts.
 */
import { parentPort } from "node:worker_threads";
import WebSocket from "ws";
import { nowUs } from "./clock";
import { Histogram } from "./histogram";
import type { ClientSpec, ConnectReply, Reply, ReplyBody, Request, SendPlan, TrafficStats } from "./messages";

const port = parentPort;
if (!port) throw new Error("pool-worker runs as a worker thread");

/** Byte offset of the first letter of `type` in `{"type":"...`. */
const TYPE_AT = 9;
const CH_R = "r".charCodeAt(0);
const CH_A = "a".charCodeAt(0);
const CH_E = "e".charCodeAt(0);
const CH_P = "p".charCodeAt(0);
/** The third letter of `private_message` (`pong` and `presence_diff` differ there). */
const CH_I = "i".charCodeAt(0);
const CH_DOT = ".".charCodeAt(0);
const CH_0 = "0".charCodeAt(0);
const CID_MARK = Buffer.from('"cid":"');
const PING = '{"type":"ping"}';

interface Client {
  index: number;
  /** The frame text before the content, e.g. `{"type":"room_message","content":"`. */
  prefix: string;
  ws: WebSocket;
  sent: number;
  answered: number;
  sending: boolean;
}

const clients: Client[] = [];
const latency = new Histogram();
const ackLatency = new Histogram();
let ackVia: "ack" | "echo" = "echo";
let endUs = 0;
let stats = freshStats();
let pongs = 0;
let contentText = "x";
let windowSize = 0;
let sendEndUs = 0;

function freshStats(): Omit<TrafficStats, "latency" | "ackLatency" | "open"> {
  return {
    received: 0,
    receivedInPhase: 0,
    answered: 0,
    answeredInPhase: 0,
    otherFrames: 0,
    errorFrames: 0,
    lastReceiveUs: 0,
  };
}

/** Parses `sender.n.sentUs` at `at` in `data`; returns [sender, sentUs] or undefined. */
function parseCid(data: Buffer, at: number): [number, number] | undefined {
  const parts = [0, 0, 0];
  let part = 0;
  for (let i = at; i < data.length && i < at + 64; i++) {
    const c = data[i] ?? 0;
    if (c === CH_DOT) {
      part += 1;
      if (part > 2) return undefined;
    } else if (c >= CH_0 && c <= CH_0 + 9) {
      parts[part] = (parts[part] ?? 0) * 10 + (c - CH_0);
    } else {
      break;
    }
  }
  return part === 2 ? [parts[0] ?? 0, parts[2] ?? 0] : undefined;
}

function onFrame(client: Client, data: Buffer): void {
  const now = nowUs();
  // A private message counts as a delivery, like a room message.
  const kind = data[TYPE_AT] === CH_P && data[TYPE_AT + 2] === CH_I ? CH_R : data[TYPE_AT];
  if (kind === CH_R || kind === CH_A) {
    const at = data.indexOf(CID_MARK);
    const cid = at >= 0 ? parseCid(data, at + CID_MARK.length) : undefined;
    if (!cid) {
      stats.otherFrames += 1;
      return;
    }
    const [sender, sentUs] = cid;
    const inPhase = now <= endUs;
    if (kind === CH_R) {
      stats.received += 1;
      if (inPhase) stats.receivedInPhase += 1;
      stats.lastReceiveUs = now;
      latency.record(now - sentUs);
    }
    const answers = (kind === CH_A && ackVia === "ack") || (kind === CH_R && ackVia === "echo");
    if (answers && sender === client.index) {
      client.answered += 1;
      stats.answered += 1;
      if (inPhase) stats.answeredInPhase += 1;
      ackLatency.record(now - sentUs);
      if (windowSize > 0 && client.sending) topUpWindow(client);
    }
    return;
  }
  if (kind === CH_P) pongs += 1;
  else if (kind === CH_E) stats.errorFrames += 1;
  else stats.otherFrames += 1;
}

function sendOne(client: Client): void {
  const now = nowUs();
  const cid = `${client.index}.${client.sent}.${now}`;
  client.sent += 1;
  client.ws.send(`${client.prefix}${contentText}","cid":"${cid}"}`);
}

function topUpWindow(client: Client): void {
  if (nowUs() >= sendEndUs) {
    client.sending = false;
    return;
  }
  while (client.sent - client.answered < windowSize) sendOne(client);
}

function connectOne(
  spec: ClientSpec,
  timeoutMs: number,
): Promise<{ ok: boolean; error?: string; us: number }> {
  const started = nowUs();
  return new Promise((resolve) => {
    const ws = new WebSocket(spec.url, {
      headers: spec.headers ?? {},
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    const prefix = spec.to
      ? `{"type":"private_message","to":${JSON.stringify(spec.to)},"content":"`
      : '{"type":"room_message","content":"';
    const client: Client = { index: spec.index, prefix, ws, sent: 0, answered: 0, sending: false };
    let settled = false;
    const done = (ok: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) clients.push(client);
      else ws.terminate();
      resolve({ ok, ...(error ? { error } : {}), us: nowUs() - started });
    };
    const timer = setTimeout(() => done(false, "timeout waiting for the first frame"), timeoutMs);
    ws.on("message", (data: Buffer) => {
      if (!settled) done(true);
      else onFrame(client, data);
    });
    ws.once("unexpected-response", (_req, res) => done(false, `HTTP ${res.statusCode ?? "?"}`));
    ws.on("error", (err) => done(false, err.message));
    ws.once("close", (code) => done(false, `closed ${code}`));
  });
}

async function connect(specs: ClientSpec[], concurrency: number, timeoutMs: number): Promise<ConnectReply> {
  const hist = new Histogram();
  const errors: string[] = [];
  let connected = 0;
  let failed = 0;
  let next = 0;
  const firstStartUs = nowUs();
  let lastReadyUs = firstStartUs;
  const lane = async (): Promise<void> => {
    while (next < specs.length) {
      const spec = specs[next++];
      if (!spec) break;
      const result = await connectOne(spec, timeoutMs);
      if (result.ok) {
        connected += 1;
        hist.record(result.us);
        lastReadyUs = nowUs();
      } else {
        failed += 1;
        if (errors.length < 5 && result.error) errors.push(result.error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return { connected, failed, errors, connectHist: hist.data(), firstStartUs, lastReadyUs };
}

function send(
  senderIndexes: number[],
  plan: SendPlan,
  startUs: number,
  stopUs: number,
  contentChars: number,
): Promise<ReplyBody> {
  contentText = "x".repeat(Math.max(1, contentChars));
  sendEndUs = stopUs;
  const senders = clients.filter((c) => senderIndexes.includes(c.index));
  for (const s of senders) {
    s.sent = 0;
    s.answered = 0;
    s.sending = true;
  }
  const finish = (): ReplyBody => {
    for (const s of senders) s.sending = false;
    windowSize = 0;
    const sent = senders.reduce((n, s) => n + s.sent, 0);
    const bufferedBytes = senders.reduce((n, s) => n + s.ws.bufferedAmount, 0);
    return { sent, bufferedBytes };
  };
  return new Promise((resolve) => {
    const startIn = Math.max(0, (startUs - nowUs()) / 1000);
    setTimeout(() => {
      if (plan.kind === "window") {
        windowSize = plan.window;
        for (const s of senders) topUpWindow(s);
        setTimeout(() => resolve(finish()), Math.max(0, (stopUs - nowUs()) / 1000) + 5);
        return;
      }
      const tick = setInterval(() => {
        const now = nowUs();
        const elapsed = Math.min(now, stopUs) - startUs;
        senders.forEach((s, k) => {
          // Senders are spread evenly over each period, not all due on the same tick.
          const due = Math.floor((elapsed / 1e6) * plan.perSecond + k / senders.length);
          // Bounded: a stalled event loop catches up by at most a second's worth.
          let burst = Math.min(due - s.sent, Math.ceil(plan.perSecond));
          while (burst-- > 0) sendOne(s);
        });
        if (now >= stopUs) {
          clearInterval(tick);
          resolve(finish());
        }
      }, 5);
    }, startIn);
  });
}

function ping(intervalMs: number, durationMs: number): Promise<ReplyBody> {
  pongs = 0;
  let pings = 0;
  const stopAt = Date.now() + durationMs;
  const timers: NodeJS.Timeout[] = [];
  return new Promise((resolve) => {
    clients.forEach((client, i) => {
      // Spread the clients' heartbeats evenly over the interval.
      const offset = Math.floor((i / Math.max(1, clients.length)) * intervalMs);
      timers.push(
        setTimeout(() => {
          const beat = (): void => {
            if (Date.now() >= stopAt || client.ws.readyState !== WebSocket.OPEN) return;
            client.ws.send(PING);
            pings += 1;
            timers.push(setTimeout(beat, intervalMs));
          };
          beat();
        }, offset),
      );
    });
    setTimeout(() => {
      for (const t of timers) clearTimeout(t);
      // Give the last pongs a moment to arrive.
      setTimeout(() => resolve({ pings, pongs }), 500);
    }, durationMs);
  });
}

async function close(timeoutMs: number): Promise<ReplyBody> {
  let closed = 0;
  let terminated = 0;
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.ws.readyState === WebSocket.CLOSED) {
            closed += 1;
            resolve();
            return;
          }
          const timer = setTimeout(() => {
            terminated += 1;
            client.ws.terminate();
            resolve();
          }, timeoutMs);
          client.ws.once("close", () => {
            clearTimeout(timer);
            closed += 1;
            resolve();
          });
          client.ws.close(1000);
        }),
    ),
  );
  clients.length = 0;
  return { closed, terminated };
}

async function handle(req: Request): Promise<ReplyBody> {
  switch (req.cmd) {
    case "connect":
      return connect(req.clients, req.concurrency, req.timeoutMs);
    case "arm":
      stats = freshStats();
      latency.reset();
      ackLatency.reset();
      endUs = req.endUs;
      ackVia = req.ackVia;
      return { ok: true };
    case "send":
      return send(req.senders, req.plan, req.startUs, req.endUs, req.contentChars);
    case "stats":
      return {
        ...stats,
        latency: latency.data(),
        ackLatency: ackLatency.data(),
        open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
      };
    case "ping":
      return ping(req.intervalMs, req.durationMs);
    case "close":
      return close(req.timeoutMs);
  }
}

port.on("message", (req: Request) => {
  handle(req).then(
    (body) => port.postMessage({ id: req.id, body } satisfies Reply),
    (err: unknown) =>
      port.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies Reply),
  );
});

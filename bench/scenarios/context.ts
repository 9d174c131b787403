/**
 * What every scenario gets, and the steps they share: filling a room with
 * clients, one send phase with its drain, and waiting for the server to go quiet.
 */
import { nowUs, sleep } from "../load/clock";
import type { ConnectResult, LoadDriver } from "../load/driver";
import { type LatencySummary, summarize } from "../load/histogram";
import type { ClientSpec, SendPlan } from "../load/messages";
import { machineBusySeconds, type ProcSample } from "../targets/proc";
import { cpuSeconds, type Target } from "../targets/target";

/** The run a scenario belongs to. */
export interface Ctx {
  target: Target;
  driver: LoadDriver;
  /** Short run id, so names and rooms never collide with an earlier run's. */
  tag: string;
  log(message: string): void;
}

/** Opens `size` clients (distinct users) into `room`; the token fetch is not timed. */
export async function fillRoom(
  ctx: Ctx,
  room: string,
  size: number,
  opts: { concurrency?: number; query?: string; oneUser?: boolean } = {},
): Promise<ConnectResult> {
  const clients = await prepareClients(ctx, room, size, opts);
  return connectClients(ctx, clients, opts.concurrency ?? 100);
}

/**
 * The clients of {@link fillRoom}, with their tokens fetched (so a memory
 * baseline can be taken after the token work, which is not the room's cost).
 */
export async function prepareClients(
  ctx: Ctx,
  room: string,
  size: number,
  opts: { query?: string; oneUser?: boolean; v1?: boolean } = {},
): Promise<ClientSpec[]> {
  const names = Array.from({ length: size }, (_, i) =>
    `${ctx.tag}${room}-${opts.oneUser ? 0 : i}`.slice(0, 32),
  );
  const headers = await ctx.target.authHeaders(names);
  const url = ctx.target.roomUrl(`${ctx.tag}-${room}`, opts.query, opts.v1);
  return names.map((_, index) => {
    const h = headers[index];
    return { index, url, ...(h && Object.keys(h).length > 0 ? { headers: h } : {}) };
  });
}

/** Connects prepared clients, `concurrency` handshakes in flight. */
export async function connectClients(
  ctx: Ctx,
  clients: ClientSpec[],
  concurrency: number,
): Promise<ConnectResult> {
  const result = await ctx.driver.connect(clients, concurrency);
  if (result.failed > 0) {
    ctx.log(`  ${result.failed} of ${clients.length} clients failed: ${result.errors.join("; ")}`);
  }
  return result;
}

/** One send phase: who sends, how fast, for how long, and how long to wait for stragglers. */
export interface TrafficSpec {
  roomSize: number;
  senders: number[];
  plan: SendPlan;
  durationMs: number;
  /** Longest wait after the send phase for deliveries still on their way. */
  drainMaxMs: number;
  contentChars?: number;
}

/** What one send phase measured. */
export interface TrafficResult {
  offeredPerSecond: number | null;
  sendSeconds: number;
  sent: number;
  /** Messages the server answered (acked, or echoed to the sender) during the send phase, per second. */
  answeredPerSecond: number;
  /** Frames delivered to clients during the send phase, per second. */
  deliveredPerSecond: number;
  expected: number;
  received: number;
  /** expected − received once the drain ended. */
  missing: number;
  /** Deliveries still arriving when the drain cap was reached (queued, not dropped). */
  stillArriving: boolean;
  /** From the end of the send phase to the last delivery. */
  drainMs: number;
  /** Bytes still in the senders' own socket buffers when the send phase ended. */
  senderBufferedBytes: number;
  latency: LatencySummary;
  ackLatency: LatencySummary;
  errorFrames: number;
  /** CPU use over the send phase and drain, in % of one core, per process role. */
  cpuPercent: Record<string, number>;
  /** The same over the send phase alone (where the bottleneck shows). */
  sendCpuPercent: Record<string, number>;
  /** CPU time of the server process (workerd or node) per delivered frame, µs. */
  serverCpuUsPerDelivery: number;
}

/** Process roles that are the server proper (see the targets' role names). */
export const SERVER_ROLES = ["workerd", "node"];

/** Runs one send phase and waits (bounded) until every expected delivery arrived. */
export async function traffic(ctx: Ctx, spec: TrafficSpec): Promise<TrafficResult> {
  const { driver, target } = ctx;
  await warmUp(ctx, spec);
  const startUs = nowUs() + 200_000;
  const endUs = startUs + spec.durationMs * 1000;
  await driver.arm(endUs, target.ackVia);
  const before = target.sample();
  const busyBefore = machineBusySeconds();
  const loadBefore = process.cpuUsage();
  const wallBefore = nowUs();
  const sent = await driver.send(spec.senders, spec.plan, startUs, endUs, spec.contentChars ?? 100);
  const atSendEnd = target.sample();
  const busyAtSendEnd = machineBusySeconds();
  const loadAtSendEnd = process.cpuUsage(loadBefore);
  const sendWallSeconds = (nowUs() - wallBefore) / 1e6;
  const expectedFor = (n: number): number => n * spec.roomSize;
  const expected = expectedFor(sent.sent);
  // Drain: poll until everything arrived, or nothing moved for a while, or the cap.
  const drainDeadline = Date.now() + spec.drainMaxMs;
  let stats = await driver.stats();
  let lastProgress = Date.now();
  let lastReceived = stats.received;
  while (stats.received < expected && Date.now() < drainDeadline && Date.now() - lastProgress < 5000) {
    await sleep(250);
    stats = await driver.stats();
    if (stats.received > lastReceived) {
      lastReceived = stats.received;
      lastProgress = Date.now();
    }
  }
  const stillArriving = stats.received < expected && Date.now() - lastProgress < 1000;
  const after = target.sample();
  const load = process.cpuUsage(loadBefore);
  const wallSeconds = (nowUs() - wallBefore) / 1e6;
  // Per role, plus everything else the machine did meanwhile (other users of the cores).
  const percent = (a: ProcSample[], b: ProcSample[], loadUs: number, busy: number, wall: number) => {
    const out: Record<string, number> = {};
    for (const role of new Set(b.map((s) => s.role))) {
      out[role] = round(((cpuSeconds(b, [role]) - cpuSeconds(a, [role])) / wall) * 100, 0);
    }
    out["load generator"] = round((loadUs / 1e6 / wall) * 100, 0);
    const ours = cpuSeconds(b) - cpuSeconds(a) + loadUs / 1e6;
    out["other processes"] = Math.max(0, round(((busy - ours) / wall) * 100, 0));
    return out;
  };
  const busyAfter = machineBusySeconds();
  const cpuPercent = percent(before, after, load.user + load.system, busyAfter - busyBefore, wallSeconds);
  const sendCpuPercent = percent(
    before,
    atSendEnd,
    loadAtSendEnd.user + loadAtSendEnd.system,
    busyAtSendEnd - busyBefore,
    sendWallSeconds,
  );
  // The server process itself (workerd, or the ws node process), not wrangler's dev tooling.
  const serverCpu = cpuSeconds(after, SERVER_ROLES) - cpuSeconds(before, SERVER_ROLES);
  const sendSeconds = spec.durationMs / 1000;
  return {
    offeredPerSecond: spec.plan.kind === "rate" ? round(spec.plan.perSecond * spec.senders.length, 1) : null,
    sendSeconds,
    sent: sent.sent,
    answeredPerSecond: round(stats.answeredInPhase / sendSeconds, 0),
    deliveredPerSecond: round(stats.receivedInPhase / sendSeconds, 0),
    expected,
    received: stats.received,
    missing: expected - stats.received,
    stillArriving,
    drainMs: round(Math.max(0, stats.lastReceiveUs - endUs) / 1000, 0),
    senderBufferedBytes: sent.bufferedBytes,
    latency: roundSummary(summarize(stats.latency)),
    ackLatency: roundSummary(summarize(stats.ackLatency)),
    errorFrames: stats.errorFrames,
    cpuPercent,
    sendCpuPercent,
    serverCpuUsPerDelivery: stats.received > 0 ? round((serverCpu * 1e6) / stats.received, 2) : 0,
  };
}

/**
 * A few unmeasured messages first, so the measured ones do not pay for the
 * server's JIT and lazy set-up (every scenario starts on a fresh process).
 */
async function warmUp(ctx: Ctx, spec: TrafficSpec): Promise<void> {
  const startUs = nowUs() + 50_000;
  await ctx.driver.arm(startUs + 10_000_000, ctx.target.ackVia);
  const { sent } = await ctx.driver.send(
    [spec.senders[0] ?? 0],
    { kind: "rate", perSecond: 50 },
    startUs,
    startUs + 200_000,
    spec.contentChars ?? 100,
  );
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (await ctx.driver.stats()).received < sent * spec.roomSize) await sleep(50);
}

/**
 * Waits until the target's CPU use stays under `quietPercent` of a core for two
 * samples in a row (bounded by `maxMs`); returns how long that took.
 */
export async function settle(ctx: Ctx, maxMs = 30_000, quietPercent = 10): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  let last = cpuSeconds(ctx.target.sample());
  while (Date.now() - started < maxMs && quiet < 2) {
    await sleep(500);
    const now = cpuSeconds(ctx.target.sample());
    quiet = ((now - last) / 0.5) * 100 < quietPercent ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - started;
}

/** Closes every client and waits for the server to finish the departures. */
export async function emptyRoom(
  ctx: Ctx,
  settleMaxMs = 30_000,
): Promise<{ closeMs: number; settleMs: number }> {
  const started = Date.now();
  await ctx.driver.closeAll();
  const closeMs = Date.now() - started;
  const settleMs = await settle(ctx, settleMaxMs);
  return { closeMs, settleMs };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function roundSummary(s: LatencySummary): LatencySummary {
  return {
    count: s.count,
    p50: round(s.p50, 2),
    p95: round(s.p95, 2),
    p99: round(s.p99, 2),
    max: round(s.max, 2),
    mean: round(s.mean, 2),
  };
}

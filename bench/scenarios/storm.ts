/**
 * The connect storm (1,000 clients joining one room as fast as they can), then
 * (d) idle memory with those clients connected and silent, then, in the full
 * profile, (f) hibernation: the same silent room, every client pinging, while
 * the bench counts room-object wake-ups from the target's log.
 */
import { sleep } from "../load/clock";
import type { ConnectResult } from "../load/driver";
import { mergeHistograms, summarize } from "../load/histogram";
import type { ClientSpec } from "../load/messages";
import type { Profile } from "../profiles";
import type { ProcSample } from "../targets/proc";
import { cpuSeconds, rssKiB } from "../targets/target";
import {
  type Ctx,
  connectClients,
  emptyRoom,
  fillRoom,
  prepareClients,
  round,
  SERVER_ROLES,
  settle,
} from "./context";

export interface StormResult {
  clients: number;
  connected: number;
  failed: number;
  errors: string[];
  /** Slow joins: the pace the clients connected at (undefined = a burst, `concurrency` in flight). */
  pacedPerSecond?: number;
  connectsPerSecond: number;
  connectMs: { p50: number; p99: number; max: number };
  /** CPU time of the server process (workerd or node) over the joins and their settling, ÷ connects, µs. */
  serverCpuUsPerConnect: number;
  /** Frames other than bench messages the clients got while joining (presence). */
  presenceFrames: number;
  settleMs: number;
  memory: MemoryResult;
  hibernation?: HibernationResult;
  /** Full profile: all clients leave at once; until the server is quiet again. */
  close?: { closeMs: number; settleMs: number };
}

export interface MemoryResult {
  /**
   * RSS in MiB per process role: before (the server warm, the clients' tokens
   * already fetched) and with every client connected, each after a forced
   * garbage collection where the target allows one.
   */
  beforeMiB: Record<string, number>;
  afterMiB: Record<string, number>;
  /** (after − before) / connected, KiB, per role and for the whole tree. */
  perConnectionKiB: Record<string, number>;
  /** Whether both samples followed a forced GC (workerd's inspector). */
  afterGc: boolean;
  /** The worker isolate's JS heap after GC: (after − before) / connected, KiB. */
  jsHeapPerConnectionKiB?: number;
}

export interface HibernationResult {
  pingForMs: number;
  pings: number;
  pongs: number;
  /**
   * Room-object constructions while only heartbeats arrived (target: 0); null when
   * the control message woke nothing either, i.e. the target logs no wake-ups.
   */
  wakeupsDuringPings: number | null;
  /** Constructions caused by one chat message afterwards (1 proves the room had been asleep). */
  wakeupsFromOneMessage: number | null;
}

function byRole(samples: readonly ProcSample[]): Record<string, number> {
  const out: Record<string, number> = { total: rssKiB(samples) };
  for (const s of samples) out[s.role] = (out[s.role] ?? 0) + s.rssKiB;
  return out;
}

function toMiB(kib: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(kib).map(([k, v]) => [k, round(v / 1024, 1)]));
}

/** How a storm joins: all one user (no join fan-out), and paced instead of a burst. */
export interface StormOptions {
  oneUser?: boolean;
  /** v1 clients: no `presence=diff`, so every join is announced to each of them (Roomcast only). */
  v1?: boolean;
  /** Slow joins: connect at this many per second instead of `concurrency` at once. */
  pacedPerSecond?: number;
  /** Clients (default: the profile's storm size). */
  clients?: number;
}

/** Settles the target, forces a GC where it can, then samples its processes. */
async function quietSample(ctx: Ctx): Promise<{ samples: ProcSample[]; heapKiB?: number }> {
  await settle(ctx);
  const heap = await ctx.target.collectGarbage?.().catch((err: unknown) => {
    ctx.log(`  forced GC failed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  await sleep(500);
  return { samples: ctx.target.sample(), ...(heap ? { heapKiB: heap.usedKiB } : {}) };
}

/** Connects `clients` `perSecond` at a time, spread over each second. */
async function pacedConnect(ctx: Ctx, clients: ClientSpec[], perSecond: number): Promise<ConnectResult> {
  const tickMs = 200;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const results: ConnectResult[] = [];
  const started = Date.now();
  for (let i = 0; i < clients.length; i += perTick) {
    const due = started + (i / perTick) * tickMs;
    if (due > Date.now()) await sleep(due - Date.now());
    results.push(await connectClients(ctx, clients.slice(i, i + perTick), perTick));
  }
  return {
    connected: results.reduce((n, r) => n + r.connected, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: results.flatMap((r) => r.errors).slice(0, 5),
    connectHist: mergeHistograms(results.map((r) => r.connectHist)),
    wallMs: Date.now() - started,
  };
}

/**
 * The storm, then the idle memory of the room it filled. The memory baseline is
 * taken once the server is warm and the clients' tokens exist (`POST /dev/token`
 * is the bench's work, not the room's), and both samples follow a forced GC.
 * `oneUser`: every client is the same user, so Roomcast announces no joins (a
 * diagnostic that separates the per-connection cost from the presence fan-out).
 */
export async function stormScenario(
  ctx: Ctx,
  profile: Profile,
  opts: StormOptions = {},
): Promise<StormResult> {
  const { oneUser = false, v1 = false, pacedPerSecond } = opts;
  const clients = opts.clients ?? profile.storm.clients;
  const { concurrency } = profile.storm;
  // Warm up (module load, first object, JIT) in another room, so "before" is a running server.
  await fillRoom(ctx, "warmup", 2);
  await ctx.driver.closeAll();
  const room = oneUser ? "storm1u" : v1 ? "stormv1" : pacedPerSecond ? "slow" : "storm";
  const specs = await prepareClients(ctx, room, clients, { oneUser, v1 });
  const before = await quietSample(ctx);

  ctx.log(
    `  connect storm: ${clients} clients${oneUser ? " (one user)" : ""}${v1 ? " (v1: per-event presence)" : ""}, ${pacedPerSecond ? `${pacedPerSecond}/s` : `${concurrency} in flight`}`,
  );
  const cpuBefore = cpuSeconds(ctx.target.sample(), SERVER_ROLES);
  const joined = pacedPerSecond
    ? await pacedConnect(ctx, specs, pacedPerSecond)
    : await connectClients(ctx, specs, concurrency);
  const settleMs = await settle(ctx);
  const cpuUsed = cpuSeconds(ctx.target.sample(), SERVER_ROLES) - cpuBefore;
  await sleep(2000);
  const after = await quietSample(ctx);
  const stats = await ctx.driver.stats();
  const beforeKiB = byRole(before.samples);
  const afterKiB = byRole(after.samples);
  const perConnectionKiB: Record<string, number> = {};
  const n = Math.max(1, joined.connected);
  for (const role of Object.keys(afterKiB)) {
    perConnectionKiB[role] = round(((afterKiB[role] ?? 0) - (beforeKiB[role] ?? 0)) / n, 1);
  }
  const connect = summarize(joined.connectHist);
  const result: StormResult = {
    clients,
    connected: joined.connected,
    failed: joined.failed,
    errors: joined.errors,
    ...(pacedPerSecond ? { pacedPerSecond } : {}),
    connectsPerSecond: round(joined.connected / (joined.wallMs / 1000), 0),
    connectMs: { p50: round(connect.p50, 1), p99: round(connect.p99, 1), max: round(connect.max, 1) },
    serverCpuUsPerConnect: round((cpuUsed * 1e6) / n, 0),
    presenceFrames: stats.otherFrames,
    settleMs,
    memory: {
      beforeMiB: toMiB(beforeKiB),
      afterMiB: toMiB(afterKiB),
      perConnectionKiB,
      afterGc: before.heapKiB !== undefined && after.heapKiB !== undefined,
      ...(before.heapKiB !== undefined && after.heapKiB !== undefined
        ? { jsHeapPerConnectionKiB: round((after.heapKiB - before.heapKiB) / n, 1) }
        : {}),
    },
  };

  if (pacedPerSecond || v1) return result;
  const hib = profile.hibernation;
  if (hib && !oneUser && ctx.target.wakeups() !== undefined) {
    ctx.log(`  hibernation: ${hib.idleBeforeMs / 1000} s silent, then pings for ${hib.pingForMs / 1000} s`);
    await sleep(hib.idleBeforeMs);
    const w0 = ctx.target.wakeups() ?? 0;
    const pinged = await ctx.driver.ping(hib.pingEveryMs, hib.pingForMs);
    const w1 = ctx.target.wakeups() ?? 0;
    // Positive control: one chat message must wake the room exactly once.
    await ctx.driver.arm(0, ctx.target.ackVia);
    const now = Number(process.hrtime.bigint() / 1000n);
    // 1,000/s for 1 ms: exactly one message.
    await ctx.driver.send([0], { kind: "rate", perSecond: 1000 }, now, now + 1000, 20);
    await sleep(2000);
    const w2 = ctx.target.wakeups() ?? 0;
    result.hibernation = {
      pingForMs: hib.pingForMs,
      pings: pinged.pings,
      pongs: pinged.pongs,
      // Without the control's wake-up the counter is not wired (no log line): say so, not "0".
      wakeupsDuringPings: w2 - w1 > 0 ? w1 - w0 : null,
      wakeupsFromOneMessage: w2 - w1,
    };
  }

  if (profile.storm.measureLeave && !oneUser) result.close = await emptyRoom(ctx, 120_000);
  return result;
}

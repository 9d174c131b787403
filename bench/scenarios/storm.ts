/**
 * The connect storm (1,000 clients joining one room as fast as they can), then
 * (d) idle memory with those clients connected and silent, then, in the full
 * profile, (f) hibernation: the same silent room, every client pinging, while
 * the bench counts room-object wake-ups from the target's log.
 */
import { sleep } from "../load/clock";
import { summarize } from "../load/histogram";
import type { Profile } from "../profiles";
import type { ProcSample } from "../targets/proc";
import { rssKiB } from "../targets/target";
import { type Ctx, emptyRoom, fillRoom, round, settle } from "./context";

export interface StormResult {
  clients: number;
  connected: number;
  failed: number;
  errors: string[];
  connectsPerSecond: number;
  connectMs: { p50: number; p99: number; max: number };
  /** Frames other than bench messages the clients got while joining (presence). */
  presenceFrames: number;
  settleMs: number;
  memory: MemoryResult;
  hibernation?: HibernationResult;
  /** Full profile: all clients leave at once; until the server is quiet again. */
  close?: { closeMs: number; settleMs: number };
}

export interface MemoryResult {
  /** RSS in MiB per process role, before the storm and with every client connected. */
  beforeMiB: Record<string, number>;
  afterMiB: Record<string, number>;
  /** (after − before) / connected, KiB, per role and for the whole tree. */
  perConnectionKiB: Record<string, number>;
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

/**
 * `oneUser`: every client is the same user, so Roomcast announces no joins (a
 * diagnostic that separates the per-connection cost from the presence fan-out).
 */
export async function stormScenario(ctx: Ctx, profile: Profile, oneUser = false): Promise<StormResult> {
  const { clients, concurrency } = profile.storm;
  // Warm up (module load, first object, JIT) in another room, so "before" is a running server.
  await fillRoom(ctx, "warmup", 2);
  await ctx.driver.closeAll();
  await settle(ctx);
  await sleep(1000);
  const before = byRole(ctx.target.sample());

  ctx.log(`  connect storm: ${clients} clients${oneUser ? " (one user)" : ""}, ${concurrency} in flight`);
  const joined = await fillRoom(ctx, oneUser ? "storm1u" : "storm", clients, { concurrency, oneUser });
  const settleMs = await settle(ctx);
  await sleep(2000);
  const after = byRole(ctx.target.sample());
  const stats = await ctx.driver.stats();
  const perConnectionKiB: Record<string, number> = {};
  for (const role of Object.keys(after)) {
    perConnectionKiB[role] = round(
      ((after[role] ?? 0) - (before[role] ?? 0)) / Math.max(1, joined.connected),
      1,
    );
  }
  const connect = summarize(joined.connectHist);
  const result: StormResult = {
    clients,
    connected: joined.connected,
    failed: joined.failed,
    errors: joined.errors,
    connectsPerSecond: round(joined.connected / (joined.wallMs / 1000), 0),
    connectMs: { p50: round(connect.p50, 1), p99: round(connect.p99, 1), max: round(connect.max, 1) },
    presenceFrames: stats.otherFrames,
    settleMs,
    memory: { beforeMiB: toMiB(before), afterMiB: toMiB(after), perConnectionKiB },
  };

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

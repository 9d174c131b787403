/**
 * The send-phase scenarios: (a) fan-out at saturation, (b) light-load latency,
 * (c) one point of the room-size sweep and (e) one sender flat out. Each runs on
 * a freshly started target (see bench/run.ts), fills one room and runs one send
 * phase; stopping the target afterwards is cheaper than a room's departures, and
 * no queue left by one scenario can slow the next.
 */
import type { Profile } from "../profiles";
import { type Ctx, fillRoom, type TrafficResult, traffic } from "./context";

/** Sender indexes 0..n-1 (the first clients of the room send). */
function firstN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A send phase in a fresh room of `size`. */
async function inRoom(
  ctx: Ctx,
  room: string,
  size: number,
  run: () => Promise<TrafficResult>,
  query?: string,
): Promise<TrafficResult & { connectFailures: number }> {
  const joined = await fillRoom(ctx, room, size, query ? { query } : {});
  return { ...(await run()), connectFailures: joined.failed };
}

/** (a) 200 clients, 10 senders, ~1,000 msgs/s offered. `query` selects a variant (bare `store=1`). */
export function fanoutScenario(ctx: Ctx, profile: Profile, room = "fanout", query?: string) {
  const p = profile.fanout;
  ctx.log(
    `  fan-out${query ? ` (${query})` : ""}: ${p.clients} clients, ${p.senders}×${p.perSenderPerSecond}/s`,
  );
  return inRoom(
    ctx,
    room,
    p.clients,
    () =>
      traffic(ctx, {
        roomSize: p.clients,
        senders: firstN(p.senders),
        plan: { kind: "rate", perSecond: p.perSenderPerSecond },
        durationMs: p.durationMs,
        drainMaxMs: p.drainMaxMs,
      }),
    query,
  );
}

/** (b) 50 clients, 10 msgs/s. */
export function lightScenario(ctx: Ctx, profile: Profile) {
  const p = profile.light;
  ctx.log(`  light load: ${p.clients} clients, ${p.senders * p.perSenderPerSecond} msgs/s`);
  return inRoom(ctx, "light", p.clients, () =>
    traffic(ctx, {
      roomSize: p.clients,
      senders: firstN(p.senders),
      plan: { kind: "rate", perSecond: p.perSenderPerSecond },
      durationMs: p.durationMs,
      drainMaxMs: 10_000,
    }),
  );
}

/** (c) one room size at the sweep's fixed total send rate. */
export function sweepScenario(ctx: Ctx, profile: Profile, size: number) {
  const p = profile.sweep;
  const senders = Math.min(size, 4);
  ctx.log(`  sweep: ${size} clients, ${p.messagesPerSecond} msgs/s`);
  return inRoom(ctx, `sweep${size}`, size, () =>
    traffic(ctx, {
      roomSize: size,
      senders: firstN(senders),
      plan: { kind: "rate", perSecond: p.messagesPerSecond / senders },
      durationMs: p.durationMs,
      drainMaxMs: 15_000,
    }),
  );
}

/** (e) one client alone in its room, sending flat out with a window of unanswered messages. */
export function persistScenario(ctx: Ctx, profile: Profile, room = "persist", query?: string) {
  const p = profile.persist;
  ctx.log(`  one sender flat out${query ? ` (${query})` : ""}: window ${p.window}`);
  return inRoom(
    ctx,
    room,
    1,
    () =>
      traffic(ctx, {
        roomSize: 1,
        senders: [0],
        plan: { kind: "window", window: p.window },
        durationMs: p.durationMs,
        drainMaxMs: 10_000,
      }),
    query,
  );
}

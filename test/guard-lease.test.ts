// Connect leases (src/guard/connect-lease.ts): a storm from one IP pays one
// shard RPC per lease rather than per connect, while CONNECT_RATE_PER_MINUTE
// (120 here, set by the workerd project in vitest.config.ts) stays exact: across any number of
// isolates holding leases no 60 s window ever holds more real connects than the
// limit, and one isolate that hands back what it did not spend gets exactly it.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitConnect, type LeasingShard } from "../src/guard/connect-lease";
import { release, reserve } from "../src/guard/sliding-window";
import type { UnspentLease } from "../src/guard/types";

const WINDOW = 60_000;
const freshGuard = () => env.GUARD.getByName(`test-${crypto.randomUUID()}`);
const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}`;

/** A shard stub that counts the RPCs reaching it. */
function counting(stub: ReturnType<typeof freshGuard>): LeasingShard & { calls: number } {
  const shard = {
    calls: 0,
    lease(addr: string, unspent?: UnspentLease[]) {
      shard.calls += 1;
      return stub.lease(addr, unspent);
    },
  };
  return shard;
}

describe("connect leases", () => {
  it("admits exactly CONNECT_RATE_PER_MINUTE connects of a burst from one isolate, with fewer RPCs", async () => {
    const shard = counting(freshGuard());
    const addr = ip();
    const verdicts = [];
    for (let i = 0; i < 121; i++) verdicts.push(await admitConnect(shard, addr));
    expect(verdicts.slice(0, 120).every((v) => v.ok)).toBe(true);
    expect(verdicts[120]).toMatchObject({ ok: false, refusal: "too_many_connects" });
    expect(shard.calls).toBeLessThan(40);
  });

  it("grants nothing to an IP that connects once in a while, and takes back what a lease did not spend", async () => {
    const guard = freshGuard();
    const addr = ip();
    // Fewer than LEASE_AFTER (8) connects within a second: each is asked for.
    for (let i = 0; i < 8; i++) expect(await guard.lease(addr)).toEqual({ ok: true });
    const ninth = await guard.lease(addr);
    if (!ninth.ok || !ninth.lease) throw new Error("the ninth connect within a second gets a lease");
    expect(ninth.lease.extra).toBeGreaterThan(0);
    // Hand the whole lease back: its connects are free again, up to the limit.
    const back = [{ at: ninth.lease.at, count: ninth.lease.extra }];
    let admitted = 9;
    let next = await guard.lease(addr, back);
    while (next.ok) {
      admitted += 1 + (next.lease?.extra ?? 0);
      next = await guard.lease(addr);
    }
    expect(admitted).toBe(120);
  });

  it("gives no lease to an IP with a strike, however fast it connects", async () => {
    const guard = freshGuard();
    const addr = ip();
    await guard.strike(addr, "invalid_frames");
    for (let i = 0; i < 30; i++) expect(await guard.lease(addr)).toEqual({ ok: true });
  });

  it("a block reaches an IP at once when it holds no lease", async () => {
    const guard = freshGuard();
    const addr = ip();
    expect(await guard.lease(addr)).toEqual({ ok: true });
    await guard.block(addr, 60_000, "manual");
    expect(await guard.lease(addr)).toMatchObject({ ok: false, refusal: "blocked" });
  });
});

/** One isolate's lease, as the worker holds it. */
interface Held {
  left: number;
  at: number;
  until: number;
}

describe("reserve and release (properties)", () => {
  it("never let more than `limit` real events into any window, however leases are spread and spent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 3000 }),
        // Attempts: which isolate, after how many ms, and whether it hands back an expired lease.
        fc.array(fc.record({ isolate: fc.nat(3), gap: fc.nat(4000), giveBack: fc.boolean() }), {
          maxLength: 200,
        }),
        (limit, leaseMs, attempts) => {
          let times: number[] = [];
          const held: Held[][] = [[], [], [], []];
          const real: number[] = [];
          let now = 0;
          for (const { isolate, gap, giveBack } of attempts) {
            now += gap;
            const mine = held[isolate] as Held[];
            const usable = mine.find((l) => l.left > 0 && now < l.until);
            if (usable) {
              usable.left -= 1;
              real.push(now);
              continue;
            }
            if (giveBack) for (const l of mine) if (l.left > 0) times = release(times, l.at, l.left);
            mine.length = 0;
            const extra = times.filter((t) => t > now - leaseMs).length;
            const out = reserve(times, now, limit, WINDOW, extra, now + leaseMs);
            times = out.kept;
            // Ascending without a sort (slide's Retry-After reads the oldest of the last `limit`).
            expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
            if (!out.verdict.ok) continue;
            real.push(now);
            if (out.granted > 0) {
              mine.push({
                left: out.granted,
                at: out.kept[out.kept.length - 1] as number,
                until: now + leaseMs,
              });
            }
          }
          for (const start of real) {
            expect(real.filter((t) => t >= start && t < start + WINDOW).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("take back only the events recorded at the lease's time", () => {
    expect(release([1, 5, 5, 5, 9], 5, 2)).toEqual([1, 5, 9]);
    expect(release([1, 9], 5, 2)).toEqual([1, 9]);
  });
});

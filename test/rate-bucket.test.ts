// The rate-limit bucket without a write per take (src/hibernation/rate-limiter.ts):
// memory decides, storage holds a copy never fuller than memory. Checked in a
// real room object with RATE_LIMIT_PER_MINUTE = 100 (this project's default),
// at fixed instants so no token refills while a case runs, across real
// evictions (evictDurableObject drops the object's memory; storage stays).
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../src/hibernation/rate-limiter";
import type { RoomDO } from "../src/room/room-do";
import { limiterOf } from "./helpers/inside";
import { freshRoom } from "./helpers/tokens";

const CAPACITY = Number(env.RATE_LIMIT_PER_MINUTE);
/** A tenth of the capacity: what a reload may be stricter by (see the limiter). */
const RESERVE = Math.ceil(CAPACITY / 10);
const T0 = 1_900_000_000_000;
const TOKEN_MS = 60_000 / CAPACITY;

const room = () => env.ROOM.getByName(freshRoom("bucket"));

/** Takes from `user`'s message bucket at `at` until the first refusal; the number of tokens given. */
function drain(instance: RoomDO, user: string, at: number, max = CAPACITY * 2): number {
  let given = 0;
  while (given < max && limiterOf(instance).take(user, at).ok) given += 1;
  return given;
}

/** A SqlStorage that counts the statements run through it (the real one does the work). */
function counting(sql: SqlStorage): { sql: SqlStorage; writes: () => number } {
  let writes = 0;
  const proxy = new Proxy(sql, {
    get(target, key) {
      if (key !== "exec") return Reflect.get(target, key, target);
      return (query: string, ...bindings: unknown[]) => {
        if (query.startsWith("INSERT")) writes += 1;
        return target.exec(query, ...bindings);
      };
    },
  });
  return { sql: proxy, writes: () => writes };
}

describe("rate-limit bucket across evictions", () => {
  it("gives exactly the capacity, then refuses; an eviction after the flood gives nothing back", async () => {
    expect(CAPACITY).toBe(100);
    const stub = room();
    await runInDurableObject(stub, (instance: RoomDO) => {
      expect(drain(instance, "flooder", T0)).toBe(CAPACITY);
    });
    await evictDurableObject(stub);
    await runInDurableObject(stub, (instance: RoomDO) => {
      // Still empty at the same instant, and one token per refill interval after it.
      expect(limiterOf(instance).take("flooder", T0).ok).toBe(false);
      expect(drain(instance, "flooder", T0 + TOKEN_MS)).toBe(1);
      expect(limiterOf(instance).take("someone-else", T0).ok).toBe(true);
    });
  });

  it("never reloads fuller than memory was after a partial flood (at most the reserve stricter)", async () => {
    const stub = room();
    for (const spent of [2, 37, 50, 89, 99]) {
      const user = `spender-${spent}`;
      await runInDurableObject(stub, (instance: RoomDO) => {
        expect(drain(instance, user, T0, spent)).toBe(spent);
      });
      await evictDurableObject(stub);
      await runInDurableObject(stub, (instance: RoomDO) => {
        const after = drain(instance, user, T0);
        expect(after).toBeLessThanOrEqual(CAPACITY - spent);
        expect(after).toBeGreaterThanOrEqual(CAPACITY - spent - RESERVE);
      });
    }
  });

  it("writes about once per reserve while flooding, and not at all for one take from a full bucket", async () => {
    await runInDurableObject(room(), (_instance: RoomDO, state) => {
      const { sql, writes } = counting(state.storage.sql);
      const limiter = new RateLimiter(sql, CAPACITY, "counted_buckets");
      expect(limiter.take("one", T0).ok).toBe(true);
      expect(writes()).toBe(0);
      // One take a refill interval: the bucket is full at every take.
      for (let i = 1; i <= 20; i++) expect(limiter.take("one", T0 + i * TOKEN_MS).ok).toBe(true);
      expect(writes()).toBe(0);
      let given = 0;
      while (limiter.take("flood", T0).ok) given += 1;
      expect(given).toBe(CAPACITY);
      expect(writes()).toBeLessThanOrEqual(Math.ceil(CAPACITY / RESERVE) + 1);
    });
  });
});

describe("rate-limit bucket properties", () => {
  it("a reload is never fuller than memory (but for a take from a full bucket) nor emptier by more than the reserve", async () => {
    const capacities = [1, 2, 6, 10, 60, 100, 600];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...capacities),
        fc.array(
          fc.record({
            gap: fc.double({ min: 0, max: 2, noNaN: true }),
            takes: fc.integer({ min: 1, max: 8 }),
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        async (capacity, steps) => {
          run += 1;
          const table = `prop_buckets_${run}`;
          await runInDurableObject(room(), (_instance: RoomDO, state) => {
            const sql = state.storage.sql;
            const live = new RateLimiter(sql, capacity, table);
            const reserve = Math.max(1, Math.ceil(capacity / 10));
            const tokenMs = 60_000 / capacity;
            // The plain token bucket the live limiter must match exactly (same arithmetic).
            const model = { tokens: capacity, at: 0 };
            const level = (now: number) =>
              Math.min(capacity, model.tokens + (now - model.at) * (capacity / 60_000));
            let at = T0;
            for (const { gap, takes } of steps) {
              at += gap * tokenMs;
              for (let i = 0; i < takes; i++) {
                const before = level(at);
                const ok = live.take("u", at).ok;
                expect(ok).toBe(before >= 1);
                if (ok) Object.assign(model, { tokens: before - 1, at });
                // Memory lost now: a fresh limiter over the same table.
                const reloaded = new RateLimiter(sql, capacity, table).available("u", at);
                const truth = live.available("u", at);
                expect(truth).toBeCloseTo(level(at), 9);
                // The one exception: a take from a full bucket that refills a token within a second.
                const bonus = ok && before >= capacity && tokenMs <= 1000 ? 1 : 0;
                expect(reloaded).toBeLessThanOrEqual(truth + bonus + 1e-9);
                expect(reloaded).toBeGreaterThanOrEqual(Math.max(0, truth - reserve) - 1e-9);
              }
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

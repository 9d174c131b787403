// The guard object in workerd: counts survive eviction (the alarm writes them to
// SQLite within a second, long before the runtime would evict an idle object),
// blocks expire by themselves, and the alarm leaves no expired row behind, so
// storage stays bounded. Limits are the wrangler.toml defaults.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../src/guard/guard-shard";

/** A fresh guard object per test (not one of the real shards). */
const freshGuard = () => env.GUARD.getByName(`test-${crypto.randomUUID()}`);
// Distinct addresses, not random ones: two random picks of 250 collided about once
// in 250 runs (a strike against the blocked address itself is not counted).
let nextIp = 0;
const ip = () => `203.0.113.${nextIp++ % 250}`;

function rows(stub: ReturnType<typeof freshGuard>) {
  return runInDurableObject(stub, (_instance, state) => {
    const count = (table: string) =>
      state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    return { windows: count("windows"), strikes: count("strikes"), blocks: count("blocks") };
  });
}

describe("GuardDO", () => {
  it("refuses the 121st connect in a minute even across an eviction (CONNECT_RATE_PER_MINUTE=120)", async () => {
    const guard = freshGuard();
    const addr = ip();
    for (let i = 0; i < 60; i++) expect(await guard.admit(addr)).toEqual({ ok: true });
    // The connect path writes nothing; the alarm, armed by the first connect, flushes.
    expect((await rows(guard)).windows).toBe(0);
    expect(await runDurableObjectAlarm(guard)).toBe(true);
    expect((await rows(guard)).windows).toBe(1);
    await evictDurableObject(guard);
    for (let i = 0; i < 60; i++) expect(await guard.admit(addr)).toEqual({ ok: true });
    const refused = await guard.admit(addr);
    expect(refused).toMatchObject({ ok: false, refusal: "too_many_connects" });
    if (refused.ok || refused.refusal !== "too_many_connects") throw new Error("unreachable");
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await guard.admit("198.51.100.1")).toEqual({ ok: true });
  });

  it("blocks after BLOCK_AFTER_STRIKES strikes, counted across an eviction, and clears the strikes", async () => {
    const guard = freshGuard();
    const addr = ip();
    for (let i = 0; i < 4; i++) await guard.strike(addr, "invalid_frames");
    await evictDurableObject(guard);
    expect(await guard.admit(addr)).toEqual({ ok: true });
    await guard.strike(addr, "rate_limit_close");
    expect(await guard.admit(addr)).toMatchObject({ ok: false, refusal: "blocked" });
    expect(await guard.listBlocks()).toEqual([
      expect.objectContaining({ ip: addr, reason: "rate_limit_close", strikes: 5 }),
    ]);
    expect((await rows(guard)).strikes).toBe(0);
    await evictDurableObject(guard);
    expect(await guard.admit(addr)).toMatchObject({ ok: false, refusal: "blocked" });
  });

  it("lets a block lapse at its until and deletes every expired row in the alarm", async () => {
    const guard = freshGuard();
    const addr = ip();
    await guard.block(addr, 60_000, "manual");
    expect(await guard.admit(addr)).toMatchObject({ ok: false, refusal: "blocked" });
    await guard.strike(ip(), "content_policy");
    await guard.tokenFailure(ip());
    expect(await runDurableObjectAlarm(guard)).toBe(true);
    expect(await rows(guard)).toEqual({ windows: 1, strikes: 1, blocks: 1 });
    // Age every row past its window, as if a day had gone by (no clock to wait on),
    // and evict the object so it rereads them.
    await runInDurableObject(guard, (_instance, state) => {
      state.storage.sql.exec("UPDATE windows SET newest = newest - 3600000");
      state.storage.sql.exec("UPDATE strikes SET at = at - 7200000");
      state.storage.sql.exec("UPDATE blocks SET until = until - 86400000");
    });
    await evictDurableObject(guard);
    expect(await guard.listBlocks()).toEqual([]);
    expect(await runDurableObjectAlarm(guard)).toBe(true);
    expect(await rows(guard)).toEqual({ windows: 0, strikes: 0, blocks: 0 });
    // Nothing left to expire: no alarm is armed, so an idle guard costs nothing.
    expect(await runInDurableObject(guard, (_instance, state) => state.storage.getAlarm())).toBeNull();
    // The lapsed block no longer refuses (checked last: admitting opens a new window).
    expect(await guard.admit(addr)).toEqual({ ok: true });
  });

  it("makes a strike of TOKEN_FAILURE_STRIKE_AFTER refused tokens within a minute", async () => {
    const guard = freshGuard();
    const addr = ip();
    for (let i = 0; i < 9; i++) await guard.tokenFailure(addr);
    expect((await rows(guard)).strikes).toBe(0);
    await guard.tokenFailure(addr);
    expect(await rows(guard)).toMatchObject({ strikes: 1 });
    // The count starts again: nine more make no second strike.
    for (let i = 0; i < 9; i++) await guard.tokenFailure(addr);
    expect((await rows(guard)).strikes).toBe(1);
  });

  it("lifts a block and forgets its strikes", async () => {
    const guard = freshGuard();
    const addr = ip();
    await guard.strike(addr, "invalid_frames");
    await guard.block(addr, 60_000, "manual");
    expect(await guard.unblock(addr)).toBe(true);
    expect(await guard.unblock(addr)).toBe(false);
    expect(await guard.admit(addr)).toEqual({ ok: true });
    expect((await rows(guard)).strikes).toBe(0);
  });
});

describe("shardOf", () => {
  it("maps an address to the same shard every time, within range", () => {
    for (const addr of ["203.0.113.7", "2001:db8::1", ""]) {
      const shard = shardOf(addr, 16);
      expect(shard).toBe(shardOf(addr, 16));
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(16);
    }
  });
});

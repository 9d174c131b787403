/**
 * Which guard object holds an IP: a hash of the address modulo `GUARD_SHARDS`.
 * The same IP always lands on the same object (its counts are exact), and
 * different IPs spread over many objects (no global bottleneck).
 */
import { readConfig } from "../config";
import type { GuardDO } from "./guard-do";

/**
 * FNV-1a over the UTF-16 units of `text`: tiny, synchronous (no crypto.subtle
 * await on the connect path) and spreads addresses evenly enough for sharding.
 * @example shardOf("203.0.113.7", 16) // a number in 0..15
 */
export function shardOf(text: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The guard object responsible for `ip`.
 * @example await guardFor(env, ip).admit(ip)
 */
export function guardFor(env: Env, ip: string): DurableObjectStub<GuardDO> {
  return env.GUARD.getByName(`shard-${shardOf(ip, readConfig(env).guardShards)}`);
}

/**
 * Every guard object (for the admin list, which spans all shards).
 * @example await Promise.all(allGuards(env).map((g) => g.listBlocks()))
 */
export function allGuards(env: Env): DurableObjectStub<GuardDO>[] {
  const shards = readConfig(env).guardShards;
  return Array.from({ length: shards }, (_, i) => env.GUARD.getByName(`shard-${i}`));
}

/**
 * Connects the worker admits without a round trip to the guard shard. When an
 * IP connects several times a second, its shard grants this isolate a lease of
 * further connects (`GuardDO.lease`), already counted in the IP's window; the
 * isolate spends them locally until they run out or `Lease.ms` passes, and
 * hands back what it did not spend on its next call. Counting at grant time
 * keeps `CONNECT_RATE_PER_MINUTE` exact however many isolates hold leases (an
 * unspent lease can only refuse early, never admit more), and a connect storm
 * pays one RPC per lease instead of one per connect.
 *
 * What a lease costs: a block placed on an IP that holds one reaches it up to
 * `LEASE_MS` (1 s) later in that isolate. The admin block route drops the
 * isolate's own leases at once.
 */
import type { LeasedAdmission, UnspentLease } from "./types";

interface HeldLease {
  left: number;
  /** The address was busy when the lease was granted (see `GuardDO.lease`). */
  busy: boolean;
  /** Where the shard recorded it (to hand back the unspent part). */
  at: number;
  /** Spendable until then, by this isolate's clock. */
  until: number;
}

/** The part of a guard shard this needs (so tests can count calls): an address's or a user's window. */
export interface LeasingShard {
  lease(key: string, unspent?: UnspentLease[]): Promise<LeasedAdmission>;
}

/**
 * Above this many IPs with a lease, expired ones are dropped unreturned (they
 * only make their IP's count err on the safe side until they age out).
 */
const MAX_IPS = 10_000;

/** This isolate's leases per IP (module scope: they outlive one request). */
const held = new Map<string, HeldLease[]>();

/**
 * The guard's verdict on one connect or API call from `ip`: from a lease this
 * isolate holds, or else from the shard (handing back any expired, unspent lease).
 * @example const verdict = await admitConnect(guardFor(env, ip), ip);
 */
export async function admitConnect(shard: LeasingShard, ip: string): Promise<LeasedAdmission> {
  const now = Date.now();
  const leases = held.get(ip);
  const unspent: UnspentLease[] = [];
  if (leases) {
    const usable = leases.find((l) => l.left > 0 && now < l.until);
    if (usable) {
      usable.left -= 1;
      return usable.busy ? { ok: true, busy: true } : { ok: true };
    }
    // None usable: whatever is left is expired, handed back exactly once.
    for (const { left, at } of leases) if (left > 0) unspent.push({ at, count: left });
    held.delete(ip);
  }
  // `now` is taken before the call, so a lease ends no later than the shard's record of it.
  const answer = await shard.lease(ip, unspent);
  if (answer.ok && answer.lease) {
    const { extra, at, ms } = answer.lease;
    if (held.size >= MAX_IPS) dropExpired(Date.now());
    const list = held.get(ip) ?? [];
    list.push({ left: extra, busy: answer.busy === true, at, until: now + ms });
    held.set(ip, list);
  }
  return answer;
}

/** Forgets this isolate's leases for `ip` (an admin just blocked it: no connect from a lease after that). */
export function dropLeases(ip: string): void {
  held.delete(ip);
}

function dropExpired(now: number): void {
  for (const [ip, leases] of held) {
    if (leases.every((l) => l.left === 0 || l.until <= now)) held.delete(ip);
  }
}

/**
 * GuardDO: one object per shard of the IP space (see `guard-shard.ts`), holding
 * that shard's connect windows, strikes and blocks. Sharding by IP means every
 * IP has exactly one counter (so limits are exact) while no connect waits on a
 * single global object.
 *
 * The connect path writes nothing. A storage write holds the object's replies
 * until it is durable (the output gate), so a write per connect would make every
 * honest connect wait for a disk flush (locally it cut the connect storm to a
 * third). Windows live in memory and the alarm writes the changed ones to
 * SQLite within `WINDOW_FLUSH_MS`: far sooner than the runtime evicts an idle
 * object (10 s without events), so an eviction forgets no count. Strikes and
 * blocks are rare and written at once. The same alarm deletes what has expired,
 * so storage stays bounded.
 */
import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "../config";
import { EVENT_WINDOW_MS, type EventKind, GuardStore } from "./guard-store";
import { release, reserve, slide } from "./sliding-window";
import type { Admission, BlockEntry, LeasedAdmission, StrikeReason, UnspentLease } from "./types";

/**
 * How soon changed windows reach SQLite. Not a limit (no var): it only has to
 * stay well under the runtime's 10 s idle eviction.
 */
const WINDOW_FLUSH_MS = 1000;

/**
 * How long a lease of connects lasts (by the worker's clock, from before it
 * asked). A block placed meanwhile reaches an IP holding a lease this much
 * later; only IPs connecting several times a second get leases.
 */
export const LEASE_MS = 1000;

/** Most connects one lease hands out (bounds what a lease can waste). */
const MAX_LEASE = 64;

/**
 * Connects within `LEASE_MS` before an IP gets leases: more than a person's
 * reconnects and tabs, so a block reaches ordinary clients at their next
 * connect, and only storms (many clients behind one address, or a flood)
 * skip the round trip.
 */
const LEASE_AFTER = 8;

interface Window {
  ip: string;
  kind: EventKind;
  times: number[];
}

/** The Durable Object behind one guard shard. */
export class GuardDO extends DurableObject<Env> {
  readonly #config: Config;
  readonly #store: GuardStore;
  /** Recent event times per `kind ip`, loaded from SQLite on first use. */
  readonly #windows = new Map<string, Window>();
  /** Windows changed since the last flush. */
  readonly #dirty = new Set<string>();
  readonly #blocks = new Map<string, BlockEntry>();
  #alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = readConfig(env);
    this.#store = new GuardStore(ctx.storage.sql);
    for (const block of this.#store.activeBlocks(Date.now())) this.#blocks.set(block.ip, block);
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  /**
   * The verdict on one connect or API call from `ip`: blocked, over the connect
   * rate, or admitted (and counted). Refused attempts are not counted, so a
   * client that waits `retryAfterMs` gets in.
   */
  async admit(ip: string): Promise<Admission> {
    const now = Date.now();
    const block = this.#activeBlock(ip, now);
    if (block) return { ok: false, refusal: "blocked", until: block.until };
    const window = this.#window("connect", ip, now);
    const { verdict, kept } = slide(window.times, now, this.#config.connectRatePerMinute, EVENT_WINDOW_MS);
    window.times = kept;
    if (!verdict.ok) return { ok: false, refusal: "too_many_connects", retryAfterMs: verdict.retryAfterMs };
    await this.#changed("connect", ip, now);
    return { ok: true };
  }

  /**
   * {@link admit}, and when `ip` is connecting often (`LEASE_AFTER` times in the
   * last `LEASE_MS`) and has no strike, a lease of up to as many more connects
   * again as it made in that time, which the worker may admit by itself for
   * `LEASE_MS`. They are counted here now (see `reserve`), so the limit stays
   * exact across every isolate; `unspent` gives back what an earlier lease did
   * not use.
   */
  async lease(ip: string, unspent: readonly UnspentLease[] = []): Promise<LeasedAdmission> {
    const now = Date.now();
    const block = this.#activeBlock(ip, now);
    if (block) return { ok: false, refusal: "blocked", until: block.until };
    // Asked only when a lease is in question (one query, not one per connect).
    const leasable = () => !this.#store.hasStrikes(ip, now - this.#config.strikeWindowMs);
    const answer = await this.#leaseIn(
      "connect",
      ip,
      this.#config.connectRatePerMinute,
      unspent,
      leasable,
      now,
    );
    if (!answer.ok) return answer;
    // More connects from this address in the window than one user may make: the
    // worker checks each user's own budget too (see `leaseUser`); below it no
    // user of the address can be over theirs, and no second call is needed.
    const busy = this.#window("connect", ip, now).times.length > this.#config.userConnectRatePerMinute;
    return busy ? { ...answer, busy } : answer;
  }

  /**
   * The per-user connect budget (`USER_CONNECT_RATE_PER_MINUTE`), asked by the
   * worker after the token is verified and only for connects from a busy
   * address: many people share one address (offices, schools, mobile carriers),
   * so the address gets a generous limit and each user behind it their own.
   * Leases work as for addresses; a user is never blocked, only refused for now.
   */
  async leaseUser(userKey: string, unspent: readonly UnspentLease[] = []): Promise<LeasedAdmission> {
    const now = Date.now();
    return this.#leaseIn(
      "user_connect",
      userKey,
      this.#config.userConnectRatePerMinute,
      unspent,
      () => true,
      now,
    );
  }

  /** One admission from the `kind` window of `key` under `limit`, with a lease when it is connecting often. */
  async #leaseIn(
    kind: EventKind,
    key: string,
    limit: number,
    unspent: readonly UnspentLease[],
    mayLease: () => boolean,
    now: number,
  ): Promise<LeasedAdmission> {
    const window = this.#window(kind, key, now);
    for (const { at, count } of unspent) window.times = release(window.times, at, count);
    // Demand: connects made in the last LEASE_MS (reservations still ahead are not demand).
    const recent = window.times.filter((t) => t > now - LEASE_MS && t <= now).length;
    const leasable = recent >= LEASE_AFTER && mayLease();
    const usableUntil = now + LEASE_MS;
    const { verdict, kept, granted } = reserve(
      window.times,
      now,
      limit,
      EVENT_WINDOW_MS,
      leasable ? Math.min(recent, MAX_LEASE) : 0,
      usableUntil,
    );
    window.times = kept;
    if (!verdict.ok) {
      if (unspent.length > 0) await this.#changed(kind, key, now);
      return { ok: false, refusal: "too_many_connects", retryAfterMs: verdict.retryAfterMs };
    }
    await this.#changed(kind, key, now);
    // Recorded at `usableUntil` or later (see `reserve`): the last record is where this lease is.
    const at = kept[kept.length - 1] as number;
    return granted > 0 ? { ok: true, lease: { extra: granted, at, ms: LEASE_MS } } : { ok: true };
  }

  /** A refused token from `ip`; `TOKEN_FAILURE_STRIKE_AFTER` of them within a minute make a strike. */
  async tokenFailure(ip: string): Promise<void> {
    const now = Date.now();
    const window = this.#window("token_failure", ip, now);
    window.times = window.times.filter((t) => t > now - EVENT_WINDOW_MS);
    window.times.push(now);
    if (window.times.length >= this.#config.tokenFailureStrikeAfter) {
      window.times = [];
      await this.strike(ip, "token_failures");
    }
    await this.#changed("token_failure", ip, now);
  }

  /**
   * One strike against `ip`; `BLOCK_AFTER_STRIKES` within `STRIKE_WINDOW_MS`
   * block it. Whether `ip` is blocked afterwards (so the reporter can close
   * the offender's open sockets).
   */
  async strike(ip: string, reason: StrikeReason): Promise<boolean> {
    const now = Date.now();
    if (this.#activeBlock(ip, now)) return true;
    const { blockAfterStrikes, strikeWindowMs, blockTtlMs } = this.#config;
    const strikes = this.#store.addStrike(ip, now, reason, now - strikeWindowMs);
    console.log(JSON.stringify({ event: "guard_strike", ip, reason, strikes }));
    if (strikes >= blockAfterStrikes) {
      this.#store.clearStrikes(ip);
      this.#putBlock({ ip, until: now + blockTtlMs, reason, strikes });
      await this.#armBy(now + blockTtlMs);
      return true;
    }
    await this.#armBy(now + strikeWindowMs);
    return false;
  }

  /** Blocks in force in this shard. */
  listBlocks(): BlockEntry[] {
    return this.#store.activeBlocks(Date.now());
  }

  /** Blocks `ip` for `ttlMs` (an admin's decision). */
  async block(ip: string, ttlMs: number, reason: string): Promise<BlockEntry> {
    const block = { ip, until: Date.now() + ttlMs, reason, strikes: 0 };
    this.#putBlock(block);
    await this.#armBy(block.until);
    return block;
  }

  /** Lifts the block of `ip` and forgets its strikes; whether it was blocked. */
  unblock(ip: string): boolean {
    this.#blocks.delete(ip);
    this.#store.clearStrikes(ip);
    const lifted = this.#store.deleteBlock(ip);
    if (lifted) console.log(JSON.stringify({ event: "guard_unblock", ip }));
    return lifted;
  }

  /** Writes the changed windows, deletes whatever has expired, then re-arms. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#flush();
    this.#store.prune(now, this.#config.strikeWindowMs);
    for (const [ip, block] of this.#blocks) if (block.until <= now) this.#blocks.delete(ip);
    for (const [key, { times }] of this.#windows) {
      if ((times[times.length - 1] ?? 0) <= now - EVENT_WINDOW_MS) this.#windows.delete(key);
    }
    const next = this.#store.nextExpiry(this.#config.strikeWindowMs);
    this.#alarmAt = next ?? null;
    if (next !== undefined) await this.ctx.storage.setAlarm(Math.max(next, now + WINDOW_FLUSH_MS));
  }

  #flush(): void {
    for (const key of this.#dirty) {
      const window = this.#windows.get(key);
      if (window) this.#store.saveWindow(window.ip, window.kind, window.times);
    }
    this.#dirty.clear();
  }

  #activeBlock(ip: string, now: number): BlockEntry | undefined {
    const block = this.#blocks.get(ip);
    // Expired blocks stop counting at once, whenever the alarm gets to deleting them.
    return block && block.until > now ? block : undefined;
  }

  #putBlock(block: BlockEntry): void {
    this.#store.putBlock(block);
    this.#blocks.set(block.ip, block);
    console.log(JSON.stringify({ event: "guard_block", ...block }));
  }

  #window(kind: EventKind, ip: string, now: number): Window {
    const key = windowKey(kind, ip);
    let window = this.#windows.get(key);
    if (!window) {
      window = { ip, kind, times: this.#store.recentEvents(ip, kind, now) };
      this.#windows.set(key, window);
    }
    return window;
  }

  /** Marks a window for the next flush, which the alarm does within WINDOW_FLUSH_MS. */
  async #changed(kind: EventKind, ip: string, now: number): Promise<void> {
    this.#dirty.add(windowKey(kind, ip));
    await this.#armBy(now + WINDOW_FLUSH_MS);
  }

  /** Makes sure the alarm fires by `due` (one storage write per earlier deadline, not per call). */
  async #armBy(due: number): Promise<void> {
    if (this.#alarmAt !== null && this.#alarmAt <= due) return;
    this.#alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }
}

function windowKey(kind: EventKind, ip: string): string {
  return `${kind} ${ip}`;
}

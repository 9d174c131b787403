/**
 * The counters of one room or inbox object, and how they reach the stats
 * object without waking anything or writing per message.
 *
 * In memory, they are bumped on the message path (a few additions). They are
 * saved in the object's SQLite only by some events: a frame that took a
 * rate-limit token (a message's save joins its log append), an alarm, a
 * close the client started (the one write monitoring adds, made after the
 * close is answered, so nothing waits for it). An eviction between two
 * reports therefore loses nothing: the next report after the wake-up starts
 * from what was saved.
 *
 * Connects are not saved at all (a write would hold every welcome until it is
 * durable): the stats object derives them from the live-connection count,
 * which the runtime keeps, and the closes, which are saved
 * (opened = closed + change in live connections).
 *
 * Reports are cumulative within an epoch, and the stats object adds only the
 * difference from what it already has of that epoch, so a report sent again
 * (after an eviction reloaded older saved counters) never counts twice. Once
 * the stats object acknowledges a report, the object subtracts what was
 * acknowledged and starts the next epoch, so stored counters stay small and
 * the stats object can forget sources that went quiet.
 *
 * Reports go at most every `STATS_FLUSH_MS`, from events that happen anyway,
 * one at a time; plus a last one when the last connection closes, and from the
 * room's own alarm once no connection is left (no event may follow them).
 */
import type { Config } from "../config";
import { bump, type Counts, diffCounts, latencyBucket, type MessageKind, parseCounts } from "./counts";
import { takeTally } from "./frame-tally";
import type { ReportAck, SourceKind, SourceReport } from "./report";
import { statsObject } from "./stats-client";

/** What the counters read of a live connection: whose it is, and a room's name. */
export interface CountedConnection {
  att: { user: { id: string }; room?: string };
}

/** The counters of one object, saved alongside its state. */
export class ObjectCounters {
  #counts: Counts | undefined;
  #epoch = 1;
  /** Counted since the last save. */
  #unsaved = false;
  /** Counted (or connections changed) since the last report. */
  #unreported = true;
  #lastReportAt = 0;
  #lastActive = -1;
  #reporting = false;
  /** A last report was asked for while another was in flight: send it when that one is done. */
  #finalPending = false;
  /** Acks waiting for their storage commit, by when their frame arrived. */
  #untimed: number[] = [];
  #timing = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly config: Pick<Config, "statsFlushMs">,
    private readonly kind: SourceKind,
    /** The object's live connections: open sockets it has not closed or seen close. */
    private readonly connections: () => readonly CountedConnection[],
  ) {
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS stats_counts (id INTEGER PRIMARY KEY CHECK (id = 0), epoch INTEGER NOT NULL, counts TEXT NOT NULL)",
    );
  }

  /** A stored message of `kind`. */
  message(kind: MessageKind): void {
    this.#load().messages[kind] += 1;
    this.#changed();
  }

  /** A server-side failure of `kind` that is neither a frame nor a close (e.g. `webhook`). */
  failure(kind: string): void {
    bump(this.#load().failures, kind);
    this.#changed();
  }

  /** A connection closed with `code` (by either side). */
  closed(code: number): void {
    bump(this.#load().closed, String(code));
    this.#changed();
  }

  /**
   * An ack was sent for a frame that arrived at `arrivedAt`: its latency is
   * taken when the storage commit the ack waits for (the output gate) is done.
   * One `sync()` covers every ack sent before it.
   */
  timeAck(arrivedAt: number): void {
    this.#untimed.push(arrivedAt);
    if (!this.#timing) this.#timeBatch();
  }

  /**
   * Ends an event: takes the isolate's frame tally, saves the counters if this
   * event `writes` anyway (same commit), and reports when due (`final`: the
   * object's last chance, its connections are all gone).
   */
  settle(now: number, writes: boolean, final = false): void {
    if (writes) {
      const tally = takeTally();
      if (tally) {
        const counts = this.#load();
        for (const [code, n] of Object.entries(tally.errors)) bump(counts.errors, code, n);
        counts.deliveries += tally.deliveries;
        for (const [action, n] of Object.entries(tally.policy)) bump(counts.policy, action, n);
        this.#changed();
      }
      if (this.#unsaved) this.#save();
    }
    const due = final || now - this.#lastReportAt >= this.config.statsFlushMs;
    if (!due) return;
    if (this.#reporting) this.#finalPending ||= final;
    else this.#report(now);
  }

  /**
   * Makes the next event report as if `STATS_FLUSH_MS` had passed since the
   * last report (tests age the interval this way rather than wait it out).
   */
  expireFlushInterval(): void {
    this.#lastReportAt = 0;
  }

  #changed(): void {
    this.#unsaved = true;
    this.#unreported = true;
  }

  #load(): Counts {
    if (this.#counts) return this.#counts;
    const row = this.ctx.storage.sql
      .exec<{ epoch: number; counts: string }>("SELECT epoch, counts FROM stats_counts WHERE id = 0")
      .toArray()[0];
    this.#epoch = row?.epoch ?? 1;
    this.#counts = parseCounts(row?.counts);
    return this.#counts;
  }

  #save(): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO stats_counts (id, epoch, counts) VALUES (0, ?, ?) ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, counts = excluded.counts",
      this.#epoch,
      JSON.stringify(this.#load()),
    );
    this.#unsaved = false;
  }

  #report(now: number): void {
    const live = this.#live();
    if (!this.#unreported && live.active === this.#lastActive) return;
    const name = this.ctx.id.name ?? live.name;
    if (name === undefined) return;
    const counts = structuredClone(this.#load());
    const report: SourceReport = {
      kind: this.kind,
      name,
      epoch: this.#epoch,
      counts,
      active: live.active,
      at: now,
    };
    this.#reporting = true;
    this.#lastReportAt = now;
    this.#lastActive = live.active;
    this.#unreported = false;
    this.ctx.waitUntil(
      statsObject(this.env)
        .report(report)
        .then(
          (ack) => this.#acknowledged(ack),
          (err: unknown) => {
            // Nothing is lost: the counters are still here and go with the next report.
            this.#unreported = true;
            console.error(JSON.stringify({ event: "stats_report_failed", error: String(err) }));
          },
        )
        .finally(() => {
          this.#reporting = false;
          // The object is still awake for the report just made: the last one follows it.
          if (this.#finalPending) {
            this.#finalPending = false;
            this.#report(Date.now());
          }
        }),
    );
  }

  /**
   * The stats object holds `ack.counts` of this epoch: keep only the rest and
   * start the next epoch. Saved at once (one write per report, never per message),
   * so a reload after an eviction cannot start the old epoch from zero.
   */
  #acknowledged(ack: ReportAck): void {
    if (ack.epoch !== this.#epoch) return;
    this.#counts = diffCounts(this.#load(), ack.counts);
    this.#epoch += 1;
    this.#save();
  }

  /** Connections the object has not closed or seen close, and a name from any of them. */
  #live(): { active: number; name: string | undefined } {
    let active = 0;
    let name: string | undefined;
    // Open sockets only: one the client closed can linger in the list, closing,
    // with its attachment unchanged.
    for (const { att } of this.connections()) {
      active += 1;
      name ??= this.kind === "room" ? att.room : att.user.id;
    }
    return { active, name };
  }

  #timeBatch(): void {
    const batch = this.#untimed;
    this.#untimed = [];
    this.#timing = true;
    this.ctx.storage.sync().then(
      () => {
        const now = Date.now();
        const counts = this.#load();
        for (const arrivedAt of batch) {
          const ms = Math.max(0, now - arrivedAt);
          const i = latencyBucket(ms);
          counts.latency[i] = (counts.latency[i] ?? 0) + 1;
          counts.latencySumMs += ms;
        }
        // Saved with the next write the object makes anyway.
        this.#changed();
        this.#timing = false;
        if (this.#untimed.length > 0) this.#timeBatch();
      },
      () => {
        this.#timing = false;
      },
    );
  }
}

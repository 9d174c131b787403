/**
 * A webhook outbox in a Durable Object's SQLite storage, for delivery at least
 * once. An event is a row written by the caller synchronously, i.e. in the same
 * implicit transaction as the write it reports (a message stored, a tombstone,
 * a presence change), so an event is never lost nor reported for something
 * that was not stored. Rows are delivered while the object is awake anyway
 * (the caller passes {@link deliver} to `ctx.waitUntil`), signed per Standard
 * Webhooks with the same `webhook-id` on every attempt, and deleted once the
 * receiver answers 2xx.
 *
 * Retries back off (`retryBaseMs` × 4ⁿ, at most an hour) up to `maxAttempts`,
 * then the event is dropped and logged. Each attempt first moves the row's due
 * time past its own timeout (a lease), so an attempt cut short by a restart is
 * simply due again later. The outbox never arms an alarm itself: the owner
 * asks {@link nextDue} and arms one only while deliveries are pending, so an
 * idle object with nothing pending is never woken by webhooks.
 */
import { buildWebhookRequest, newWebhookId, webhookTimestamp } from "./request";
import type { WebhookSigner } from "./signer";

/** How an outbox delivers. */
export interface OutboxOptions {
  url: string;
  signer: WebhookSigner;
  /** One attempt's limit; a slower receiver counts as failed. */
  timeoutMs: number;
  /** Attempts before an event is dropped (logged). */
  maxAttempts: number;
  /** The first retry's delay; each later one is 4 times longer, at most an hour. */
  retryBaseMs: number;
  /** Pending events kept; past it the oldest are dropped (logged), so storage stays bounded. */
  limit: number;
  /** Told of every failed attempt (the monitoring's server failures: a failed delivery). */
  onFailedAttempt?: () => void;
}

/** Events attempted together in one round. */
const BATCH = 20;
const MAX_BACKOFF_MS = 3_600_000;

type Row = {
  seq: number;
  id: string;
  body: string;
  attempts: number;
};

/** The pending webhook events of one object. */
export class WebhookOutbox {
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly options: OutboxOptions,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS webhook_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      due INTEGER NOT NULL
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (due)");
  }

  /**
   * Adds one event, due now. Synchronous, so it commits with the caller's
   * other writes of this turn. The body is `{type, timestamp, data}` (the spec's
   * recommended shape), fixed here: every retry sends the same bytes.
   */
  add(type: string, data: unknown, now: number): void {
    const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
    const { seq } = this.sql
      .exec<{ seq: number }>(
        "INSERT INTO webhook_outbox (id, body, attempts, due) VALUES (?, ?, 0, ?) RETURNING seq",
        newWebhookId(),
        body,
        now,
      )
      .one();
    if (seq > this.options.limit) {
      const dropped = this.sql.exec("DELETE FROM webhook_outbox WHERE seq <= ?", seq - this.options.limit);
      if (dropped.rowsWritten > 0) {
        console.error(
          JSON.stringify({ event: "webhook_dropped", reason: "outbox_full", count: dropped.rowsWritten }),
        );
      }
    }
  }

  /** When the next pending event is due (ms), or undefined when none is pending. */
  nextDue(): number | undefined {
    return (
      this.sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM webhook_outbox").one().due ??
      undefined
    );
  }

  /**
   * Attempts every event due now, in rounds, until none is left due (failed ones
   * wait for their retry). One run at a time: a call during a run makes it go
   * round once more. Never rejects. The first round's rows are leased before
   * this returns its promise, so {@link nextDue} right after already sees them
   * pushed past their timeout.
   */
  deliver(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = async () => {
      do {
        this.#again = false;
        while (await this.#round()) {
          // Another round: more rows may have become due, or been added.
        }
      } while (this.#again);
    };
    this.#running = run()
      .catch((err: unknown) => {
        console.error(`webhook delivery failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** One round: leases and attempts up to BATCH due rows; false when none was due. */
  async #round(): Promise<boolean> {
    const now = Date.now();
    const rows = this.sql
      .exec<Row>(
        "SELECT seq, id, body, attempts FROM webhook_outbox WHERE due <= ? ORDER BY seq LIMIT ?",
        now,
        BATCH,
      )
      .toArray();
    if (rows.length === 0) return false;
    for (const row of rows) {
      this.sql.exec(
        "UPDATE webhook_outbox SET due = ? WHERE seq = ?",
        now + this.options.timeoutMs + this.#backoff(row.attempts + 1),
        row.seq,
      );
    }
    const results = await Promise.all(rows.map((row) => this.#attempt(row)));
    const failedAt = Date.now();
    let failed = false;
    for (const [i, ok] of results.entries()) {
      const row = rows[i] as Row;
      const attempts = row.attempts + 1;
      if (!ok) this.options.onFailedAttempt?.();
      if (ok) {
        this.sql.exec("DELETE FROM webhook_outbox WHERE seq = ?", row.seq);
      } else if (attempts >= this.options.maxAttempts) {
        this.sql.exec("DELETE FROM webhook_outbox WHERE seq = ?", row.seq);
        console.error(JSON.stringify({ event: "webhook_dropped", reason: "attempts", id: row.id, attempts }));
      } else {
        failed = true;
        this.sql.exec(
          "UPDATE webhook_outbox SET attempts = ?, due = ? WHERE seq = ?",
          attempts,
          failedAt + this.#backoff(attempts),
          row.seq,
        );
      }
    }
    if (!failed) return true;
    // A failing receiver is likely down for every event: the rest that are due
    // wait for the first retry too, instead of hammering it now.
    this.sql.exec(
      "UPDATE webhook_outbox SET due = ? WHERE due <= ?",
      failedAt + this.options.retryBaseMs,
      failedAt,
    );
    return false;
  }

  /** One signed POST; true on a 2xx answer within the timeout. */
  async #attempt(row: Row): Promise<boolean> {
    const { url, signer, timeoutMs } = this.options;
    try {
      const req = await buildWebhookRequest(
        url,
        signer,
        { id: row.id, timestamp: webhookTimestamp(), body: row.body },
        { signal: AbortSignal.timeout(timeoutMs) },
      );
      const res = await fetch(req);
      // The answer's body is not needed; not reading it would hold the connection.
      await res.body?.cancel();
      if (!res.ok) console.warn(JSON.stringify({ event: "webhook_failed", id: row.id, status: res.status }));
      return res.ok;
    } catch (err) {
      const reason = err instanceof Error ? err.name : "error";
      console.warn(JSON.stringify({ event: "webhook_failed", id: row.id, reason }));
      return false;
    }
  }

  /** The delay before attempt `attempts + 1`. */
  #backoff(attempts: number): number {
    return Math.min(this.options.retryBaseMs * 4 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  }
}

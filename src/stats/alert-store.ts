/**
 * The stats object's alert tables: each rule's current state, and every
 * change as an event with its webhook delivery (attempts, next retry, outcome).
 * Bounded: the newest `EVENTS_KEPT` events are kept.
 */
import type { AlertName, AlertState } from "./alert-rules";

const EVENTS_KEPT = 200;

/** One alert change and its delivery (a type, not an interface: SQLite rows are read as it). */
export type AlertEvent = {
  id: string;
  alert: AlertName;
  state: AlertState;
  value: number;
  threshold: number;
  at: number;
  message: string;
  /** The JSON body sent (the same bytes on every retry). */
  body: string;
  attempts: number;
  /** When to try (again); null once delivered, given up, or not to be sent. */
  nextAt: number | null;
  deliveredAt: number | null;
  lastError: string | null;
};

/** The event columns under their AlertEvent names, so a row is an AlertEvent as read. */
const EVENT_COLUMNS =
  "id, alert, state, value, threshold, at, message, body, attempts, next_at AS nextAt, delivered_at AS deliveredAt, last_error AS lastError";

/** Reads and writes the alert tables. */
export class AlertStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_state (alert TEXT PRIMARY KEY, state TEXT NOT NULL, since INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS alert_events (id TEXT PRIMARY KEY, alert TEXT NOT NULL, state TEXT NOT NULL, value REAL NOT NULL, threshold REAL NOT NULL, at INTEGER NOT NULL, message TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER, delivered_at INTEGER, last_error TEXT);
      CREATE INDEX IF NOT EXISTS alert_events_by_at ON alert_events (at);
      CREATE INDEX IF NOT EXISTS alert_events_by_next ON alert_events (next_at)`);
  }

  /** The rule's state (resolved when it never fired). */
  state(alert: AlertName): { state: AlertState; since: number } {
    const row = this.sql
      .exec<{ state: AlertState; since: number }>(
        "SELECT state, since FROM alert_state WHERE alert = ?",
        alert,
      )
      .toArray()[0];
    return row ?? { state: "resolved", since: 0 };
  }

  /** The rules firing now, with when they started. */
  firing(): { alert: AlertName; since: number }[] {
    return this.sql
      .exec<{ alert: AlertName; since: number }>(
        "SELECT alert, since FROM alert_state WHERE state = 'firing'",
      )
      .toArray();
  }

  /** Records a change of state and its event, in one transaction. */
  change(event: AlertEvent): void {
    this.sql.exec(
      "INSERT INTO alert_state (alert, state, since) VALUES (?, ?, ?) ON CONFLICT (alert) DO UPDATE SET state = excluded.state, since = excluded.since",
      event.alert,
      event.state,
      event.at,
    );
    this.sql.exec(
      "INSERT INTO alert_events (id, alert, state, value, threshold, at, message, body, attempts, next_at, delivered_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      event.id,
      event.alert,
      event.state,
      event.value,
      event.threshold,
      event.at,
      event.message,
      event.body,
      event.attempts,
      event.nextAt,
      event.deliveredAt,
      event.lastError,
    );
    this.sql.exec(
      "DELETE FROM alert_events WHERE at < (SELECT MIN(at) FROM (SELECT at FROM alert_events ORDER BY at DESC LIMIT ?))",
      EVENTS_KEPT,
    );
  }

  /** Stores a delivery attempt's outcome. */
  delivery(id: string, outcome: Pick<AlertEvent, "attempts" | "nextAt" | "deliveredAt" | "lastError">): void {
    this.sql.exec(
      "UPDATE alert_events SET attempts = ?, next_at = ?, delivered_at = ?, last_error = ? WHERE id = ?",
      outcome.attempts,
      outcome.nextAt,
      outcome.deliveredAt,
      outcome.lastError,
      id,
    );
  }

  /** Events due for a (re)try at `now`, oldest first. */
  due(now: number): AlertEvent[] {
    return this.sql
      .exec<AlertEvent>(
        `SELECT ${EVENT_COLUMNS} FROM alert_events WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY at`,
        now,
      )
      .toArray();
  }

  /** When the next retry is due, if any. */
  nextDue(): number | undefined {
    return (
      this.sql.exec<{ n: number | null }>("SELECT MIN(next_at) AS n FROM alert_events").one().n ?? undefined
    );
  }

  /** The newest events, newest first. */
  recent(limit: number): AlertEvent[] {
    return this.sql
      .exec<AlertEvent>(`SELECT ${EVENT_COLUMNS} FROM alert_events ORDER BY at DESC LIMIT ?`, limit)
      .toArray();
  }
}

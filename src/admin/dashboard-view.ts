/**
 * Renders the stats into the dashboard: the headline figures, the charts, the
 * busiest rooms, the guard's blocks and the alerts. Every piece of text goes
 * in through textContent (room names and block reasons are user input).
 */
import type { BlockEntry } from "../guard/types";
import type { AdminStats } from "../stats/admin-stats";
import { BarList } from "./bar-list";
import { breakable } from "./breakable";
import { TimeChart } from "./charts";
import { clock, count, dateTime, ms, percent, perSecond } from "./format";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from admin.html`);
  return node as T;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  // A name wraps after its separators, never mid-word (see breakable.ts).
  if (className === "name") td.append(...breakable(text));
  else td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** Fills a table body with rows, or shows its empty state. */
function fillTable(id: string, rows: HTMLTableCellElement[][]): void {
  const body = byId<HTMLTableSectionElement>(id);
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement("tr");
      tr.append(...cells);
      return tr;
    }),
  );
  byId(`${id}-empty`).hidden = rows.length > 0;
  body.closest("table")?.toggleAttribute("hidden", rows.length === 0);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Names the close codes the connection-state chart groups by. */
function closeLabel(code: string): string {
  const names: Record<string, string> = {
    "1000": "closed normally",
    "1001": "idle / going away",
    "1006": "dropped",
    "1008": "policy",
    "4001": "token expired",
    "4003": "kicked",
    "4008": "rate limited",
  };
  return names[code] ?? `closed ${code}`;
}

/** The dashboard's panels. */
export class DashboardView {
  readonly #states = new BarList(
    byId("chart-states"),
    "No connections now and none closed in the last hour.",
  );
  readonly #trend = new TimeChart(byId("chart-connections"), "connections", (v) => count(v));
  readonly #messages = new TimeChart(byId("chart-messages"), "messages/s", (v) => perSecond(v));
  readonly #errors = new TimeChart(byId("chart-errors"), "error rate", (v) => percent(v));
  readonly #latency = new TimeChart(
    byId("chart-latency"),
    "p95 ms",
    (v) => `${Math.round(v)}`,
    "No acks timed yet.",
  );

  /** Shows one poll's answers. */
  render(stats: AdminStats, blocks: BlockEntry[]): void {
    const [oneMinute, fiveMinutes] = stats.rates;
    byId("kpi-connections").textContent = count(stats.connections.active);
    byId("kpi-rooms").textContent = count(stats.connections.rooms);
    byId("kpi-messages").textContent = perSecond(oneMinute?.messagesPerSec ?? 0);
    byId("kpi-errors").textContent = percent(fiveMinutes?.errorRate ?? 0);
    byId("kpi-refused").textContent = percent(fiveMinutes?.refusalRate ?? 0);
    byId("kpi-p50").textContent = ms(stats.latency.p50);
    byId("kpi-p95").textContent = ms(stats.latency.p95);
    byId("kpi-p99").textContent = ms(stats.latency.p99);
    byId("kpi-blocks").textContent = count(blocks.length);

    const states: [string, number][] = [
      ["in rooms", stats.connections.states.room],
      ["in inboxes", stats.connections.states.inbox],
      ...Object.entries(stats.connections.closedLastHour).map(([code, n]): [string, number] => [
        closeLabel(code),
        n,
      ]),
    ];
    this.#states.update(
      states.map(([label]) => label),
      states.map(([, n]) => n),
    );
    const { series, now } = stats;
    this.#trend.update(series.t, series.connections, now, DAY_MS);
    this.#messages.update(
      series.t,
      series.messages.map((n) => n / 60),
      now,
      DAY_MS,
    );
    this.#errors.update(
      series.t,
      series.t.map((_, i) => {
        // As the alert reads it (failures.ts): server failures over all operations.
        const failures = series.failures[i] ?? 0;
        const operations =
          (series.messages[i] ?? 0) + (series.connects[i] ?? 0) + failures + (series.refused[i] ?? 0);
        return operations === 0 ? 0 : failures / operations;
      }),
      now,
      DAY_MS,
    );
    this.#latency.update(series.t, series.p95, now, DAY_MS);

    fillTable(
      "top-rooms",
      stats.topRooms.map((r) => [
        cell(r.room, "name"),
        cell(count(r.connections), "num"),
        cell(count(r.messagesLastHour), "num"),
      ]),
    );
    fillTable(
      "blocks",
      blocks.map((b) => [
        cell(b.ip, "name"),
        cell(b.reason),
        cell(count(b.strikes), "num"),
        cell(dateTime(b.until)),
      ]),
    );
    this.#renderAlerts(stats.alerts);
    byId("updated").textContent = `Updated ${clock(stats.now)}`;
  }

  /** The latest alert changes, newest first: what, when, and how the webhook went. */
  #renderAlerts(alerts: AdminStats["alerts"]): void {
    const items = alerts.recent.map((a) => {
      const li = document.createElement("li");
      li.className = "alert";
      li.dataset.state = a.state;
      const title = document.createElement("strong");
      title.textContent = `${a.state === "firing" ? "Firing" : "Resolved"}: ${a.message}`;
      const meta = document.createElement("span");
      meta.className = "muted alert-meta";
      const error = a.lastError && a.delivery !== "delivered" ? ` (${a.lastError})` : "";
      meta.textContent = `${dateTime(a.at)} · webhook ${a.delivery}${error}`;
      li.append(title, meta);
      return li;
    });
    byId("alerts").replaceChildren(...items);
    byId("alerts-empty").hidden = items.length > 0;
  }
}

/**
 * Turns a run's results into the markdown table printed by `npm run bench`
 * (and pasted into the README): one row per figure, one column per target,
 * then Roomcast's ratio to the bare-DO ceiling and to the ws baseline, and the
 * issue's targets met or missed.
 */
import type { RoomTraffic, RunResults, TargetResults } from "./results-types";
import type { TargetName } from "./targets/target";

type Pick = (t: TargetResults) => number | undefined;

interface Row {
  label: string;
  pick: Pick;
  /** Decimal places shown. */
  digits?: number;
  /** Free text instead of a number (no ratios). */
  text?: (t: TargetResults) => string | undefined;
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n)
    ? "–"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? "–" : `${(a / b).toFixed(2)}×`;

function excess(r: RoomTraffic | undefined): string | undefined {
  if (!r) return undefined;
  if (r.missing <= 0) return `all delivered (drained in ${fmt(r.drainMs / 1000, 1)} s)`;
  if (r.stillArriving) return `queued: ${fmt(r.missing)} still arriving at the drain cap`;
  return `${fmt(r.missing)} lost`;
}

function pair(s: { p50: number; p99: number } | undefined): string | undefined {
  return s ? `${fmt(s.p50, 2)} / ${fmt(s.p99, 2)}` : undefined;
}

function memoryRole(t: TargetResults): string {
  return t.target === "ws" ? "node" : "workerd";
}

function rows(results: RunResults): Row[] {
  const sizes = new Set<string>();
  for (const t of results.targets) for (const s of Object.keys(t.sweep ?? {})) sizes.add(s);
  const fan = results.targets.find((t) => t.fanout)?.fanout;
  const light = results.targets.find((t) => t.light)?.light;
  const out: Row[] = [
    {
      label: `(a) fan-out, deliveries/s (${fmt(fan?.offeredPerSecond ?? undefined)} msgs/s offered)`,
      pick: (t) => t.fanout?.deliveredPerSecond,
    },
    { label: "(a) fan-out, messages taken/s by the server", pick: (t) => t.fanout?.answeredPerSecond },
    { label: "(a) fan-out, p99 latency (ms)", pick: (t) => t.fanout?.latency.p99, digits: 1 },
    { label: "(a) fan-out, excess", pick: () => undefined, text: (t) => excess(t.fanout) },
    {
      label: "(a) bare DO + 1 SQLite insert/msg, deliveries/s",
      pick: (t) => t.fanoutWithStorageWrite?.deliveredPerSecond,
    },
    {
      label: `(b) light load p50 (ms) (${fmt(light?.offeredPerSecond ?? undefined)} msgs/s)`,
      pick: (t) => t.light?.latency.p50,
      digits: 2,
    },
    { label: "(b) light load p95 (ms)", pick: (t) => t.light?.latency.p95, digits: 2 },
    { label: "(b) light load p99 (ms)", pick: (t) => t.light?.latency.p99, digits: 2 },
    { label: "(b) light load max (ms)", pick: (t) => t.light?.latency.max, digits: 1 },
    { label: "(b) light load lost", pick: (t) => t.light?.missing },
  ];
  for (const size of [...sizes].sort((a, b) => Number(a) - Number(b))) {
    out.push(
      { label: `(c) ${size} clients, deliveries/s`, pick: (t) => t.sweep?.[size]?.deliveredPerSecond },
      { label: `(c) ${size} clients, p99 (ms)`, pick: (t) => t.sweep?.[size]?.latency.p99, digits: 1 },
      {
        label: `(c) ${size} clients, server CPU µs/delivery`,
        pick: (t) => t.sweep?.[size]?.serverCpuUsPerDelivery,
        digits: 1,
      },
    );
  }
  out.push(
    {
      label: "(d) idle memory per connection, server process, after GC, burst (KiB)",
      pick: (t) => t.storm?.memory.perConnectionKiB[memoryRole(t)],
      digits: 1,
    },
    {
      label: "(d) ... slow joins (KiB)",
      pick: (t) => t.stormSlow?.memory.perConnectionKiB[memoryRole(t)],
      digits: 1,
    },
    {
      label: "(d) ... of which JS heap, burst / slow (KiB)",
      pick: () => undefined,
      text: (t) =>
        t.storm?.memory.jsHeapPerConnectionKiB === undefined
          ? undefined
          : `${fmt(t.storm.memory.jsHeapPerConnectionKiB, 1)} / ${fmt(t.stormSlow?.memory.jsHeapPerConnectionKiB, 1)}`,
    },
    {
      label: "(d) ... dev proxy process (KiB)",
      pick: (t) => t.storm?.memory.perConnectionKiB.proxy,
      digits: 1,
    },
    {
      label: "(d) ... whole process tree (KiB)",
      pick: (t) => t.storm?.memory.perConnectionKiB.total,
      digits: 1,
    },
    { label: "(e) one sender flat out, acks/s", pick: (t) => t.persist?.answeredPerSecond },
    {
      label: "(e) ... server CPU µs/message",
      pick: (t) => t.persist?.serverCpuUsPerDelivery,
      digits: 0,
    },
    { label: "(e) ... ack latency p50 (ms)", pick: (t) => t.persist?.ackLatency.p50, digits: 2 },
    // Roomcast beside the bare DO with one SQLite insert per message (issue 21's
    // targets: acks/s ≥ 0.9×, CPU per message ≤ 1.5× that object's).
    {
      label: "(e′) acks/s: Roomcast vs bare DO + 1 SQLite insert/msg (echoes/s)",
      pick: againstInsert((p) => p.answeredPerSecond),
    },
    {
      label: "(e′) server CPU µs/message: Roomcast vs bare DO + 1 SQLite insert/msg",
      pick: againstInsert((p) => p.serverCpuUsPerDelivery),
      digits: 0,
    },
    { label: "(h) private messages, one sender flat out, acks/s", pick: (t) => t.private?.answeredPerSecond },
    {
      label: "(h) ... ack latency p50 / p99 (ms)",
      pick: (t) => t.private?.ackLatency.p50,
      digits: 2,
      text: (t) => pair(t.private?.ackLatency),
    },
    {
      label: "(h) ... delivery latency p50 / p99 (ms)",
      pick: (t) => t.private?.latency.p50,
      digits: 2,
      text: (t) => pair(t.private?.latency),
    },
    { label: "(h) ... lost", pick: (t) => t.private?.missing },
    {
      label: "(f) wake-ups during heartbeats",
      pick: (t) => t.storm?.hibernation?.wakeupsDuringPings ?? undefined,
    },
    {
      label: "(g) uploads, MB/s (all clients together)",
      pick: (t) => t.upload?.megabytesPerSecond,
      digits: 1,
    },
    { label: "(g) uploads, p50 per upload (ms)", pick: (t) => t.upload?.latencyMs.p50, digits: 0 },
    { label: "(g) uploads, p99 per upload (ms)", pick: (t) => t.upload?.latencyMs.p99, digits: 0 },
    { label: "(g) uploads, failures", pick: (t) => t.upload?.failed },
    {
      label: "(g) peak memory rise, one 10 MiB upload (MiB)",
      pick: (t) => t.upload?.memory.uploadPeakRiseMiB,
      digits: 1,
    },
    {
      label: "(g) ... a 10 MiB body read whole, the control (MiB)",
      pick: (t) => t.upload?.memory.bufferedPeakRiseMiB,
      digits: 1,
    },
    { label: "connect storm, connects/s", pick: (t) => t.storm?.connectsPerSecond },
    { label: "connect storm, p99 connect (ms)", pick: (t) => t.storm?.connectMs.p99, digits: 0 },
    { label: "connect storm, server CPU µs/connect", pick: (t) => t.storm?.serverCpuUsPerConnect },
    { label: "slow joins, server CPU µs/connect", pick: (t) => t.stormSlow?.serverCpuUsPerConnect },
    { label: "connect storm, failures", pick: (t) => t.storm?.failed },
    { label: "connect storm, presence frames received", pick: (t) => t.storm?.presenceFrames },
    {
      label: "connect storm, all one user (no join fan-out), connects/s",
      pick: (t) => t.stormOneUser?.connectsPerSecond,
    },
    {
      label: "... idle memory per connection, one user (KiB)",
      pick: (t) => t.stormOneUser?.memory.perConnectionKiB.workerd,
      digits: 1,
    },
    {
      label: "connect storm, v1 clients (per-event presence), connects/s",
      pick: (t) => t.stormV1?.connectsPerSecond,
    },
    {
      label: "... v1 clients: presence frames received",
      pick: (t) => t.stormV1?.presenceFrames,
    },
    { label: "1,000 clients leaving, time to settle (s)", pick: (t) => secs(t), digits: 1 },
  );
  out.push({
    label: "busiest send phase: CPU used by other processes (%)",
    pick: (t) => otherCpu(t),
  });
  return out;
}

/**
 * A figure of scenario (e): Roomcast's own run in its column, the bare DO's
 * run with one SQLite insert per message in the bare DO's (so the ratio column
 * compares the two), nothing for ws.
 */
function againstInsert(figure: (p: RoomTraffic) => number | undefined): Pick {
  return (t) => {
    const phase =
      t.target === "roomcast" ? t.persist : t.target === "bare-do" ? t.persistWithStorageWrite : undefined;
    return phase ? figure(phase) : undefined;
  };
}

/** The most CPU other programs on the machine took during any send phase (noise indicator). */
function otherCpu(t: TargetResults): number | undefined {
  const phases = [t.fanout, t.fanoutWithStorageWrite, t.light, t.persist, ...Object.values(t.sweep ?? {})];
  const values = phases.map((p) => p?.sendCpuPercent["other processes"]).filter((v) => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

function secs(t: TargetResults): number | undefined {
  const c = t.storm?.close;
  return c ? (c.closeMs + c.settleMs) / 1000 : undefined;
}

const COLUMNS: TargetName[] = ["roomcast", "bare-do", "ws"];
const HEADINGS: Record<TargetName, string> = { roomcast: "Roomcast", "bare-do": "bare DO", ws: "ws" };

/** The results table. */
export function markdownTable(results: RunResults): string {
  const by = (name: TargetName) => results.targets.find((t) => t.target === name);
  const lines = [
    `| figure | ${COLUMNS.map((c) => HEADINGS[c]).join(" | ")} | Roomcast ÷ bare DO | Roomcast ÷ ws |`,
    `| --- | ${COLUMNS.map(() => "---:").join(" | ")} | ---: | ---: |`,
  ];
  for (const row of rows(results)) {
    const cells = COLUMNS.map((c) => {
      const t = by(c);
      if (!t) return "–";
      return row.text ? (row.text(t) ?? "–") : fmt(row.pick(t), row.digits ?? 0);
    });
    const rc = by("roomcast");
    const bare = by("bare-do");
    const ws = by("ws");
    const r1 = row.text || !rc || !bare ? "–" : ratio(row.pick(rc), row.pick(bare));
    const r2 = row.text || !rc || !ws ? "–" : ratio(row.pick(rc), row.pick(ws));
    lines.push(`| ${row.label} | ${cells.join(" | ")} | ${r1} | ${r2} |`);
  }
  return lines.join("\n");
}

/** The issue's targets, each met or missed, with the numbers. */
export function targetChecks(results: RunResults): string {
  const rc = results.targets.find((t) => t.target === "roomcast");
  const bare = results.targets.find((t) => t.target === "bare-do");
  if (!rc || !bare) return "(targets need both Roomcast and the bare DO in the run)";
  const check = (ok: boolean | undefined): string =>
    ok === undefined ? "not measured" : ok ? "met" : "missed";
  const r = (a?: number, b?: number): number | undefined => (a !== undefined && b ? a / b : undefined);
  const fan = r(rc.fanout?.deliveredPerSecond, bare.fanout?.deliveredPerSecond);
  const fanLost = rc.fanout ? rc.fanout.missing > 0 && !rc.fanout.stillArriving : undefined;
  const p50 = rc.light?.latency.p50;
  const p99 = r(rc.light?.latency.p99, bare.light?.latency.p99);
  const mem = r(rc.storm?.memory.perConnectionKiB.workerd, bare.storm?.memory.perConnectionKiB.workerd);
  const wake = rc.storm?.hibernation?.wakeupsDuringPings;
  const storm = r(rc.storm?.connectsPerSecond, bare.storm?.connectsPerSecond);
  const sqlAcks = r(rc.persist?.answeredPerSecond, bare.persistWithStorageWrite?.answeredPerSecond);
  const sqlCpu = r(rc.persist?.serverCpuUsPerDelivery, bare.persistWithStorageWrite?.serverCpuUsPerDelivery);
  const lines = [
    `- fan-out ≥ 0.8× bare DO, 0 lost: ${fmt(fan, 2)}×, ${fanLost === undefined ? "–" : fanLost ? `${rc.fanout?.missing} lost` : "none lost"} → ${check(fan === undefined ? undefined : fan >= 0.8 && !fanLost)}`,
    `- light load p50 ≤ 5 ms: ${fmt(p50, 2)} ms → ${check(p50 === undefined ? undefined : p50 <= 5)}; p99 ≤ 2× bare DO: ${fmt(p99, 2)}× → ${check(p99 === undefined ? undefined : p99 <= 2)}`,
    `- idle memory per connection ≤ 1.1× bare DO (worker's workerd): ${fmt(mem, 2)}× → ${check(mem === undefined ? undefined : mem <= 1.1)}`,
    `- zero wake-ups from heartbeats: ${wake ?? "–"} → ${check(wake === undefined || wake === null ? undefined : wake === 0)}`,
    `- connect storm ≥ 0.8× bare DO: ${fmt(storm, 2)}× → ${check(storm === undefined ? undefined : storm >= 0.8)}`,
    `- one sender flat out ≥ 0.9× the bare DO + 1 SQLite insert (acks/s): ${fmt(sqlAcks, 2)}× → ${check(sqlAcks === undefined ? undefined : sqlAcks >= 0.9)}; CPU per message ≤ 1.5× it: ${fmt(sqlCpu, 2)}× → ${check(sqlCpu === undefined ? undefined : sqlCpu <= 1.5)}`,
  ];
  return lines.join("\n");
}

/**
 * `npm run bench:profile -- --scenario storm|storm-v1|persist [--target roomcast|bare-do] [--config wrangler.toml]`:
 * a V8 CPU profile of the worker's isolate (rooms, guard and worker share it
 * under `wrangler dev`) while one scenario runs, through the inspector, printed
 * as the functions with the most samples: self time (where the CPU is) and
 * inclusive time (what a step costs with everything it calls), each as a share
 * of the profile and in µs per operation (connect or acked message). Native
 * work the isolate does not see (socket pumps, SQLite's commit, the asset
 * router's own isolate) is not in it: compare with the bench's server CPU µs.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOMCAST_BENCH_VARS } from "./bench-vars";
import { LoadDriver } from "./load/driver";
import { PROFILES } from "./profiles";
import { type Ctx, connectClients, prepareClients, settle, traffic } from "./scenarios/context";
import { openInspector } from "./targets/inspector";
import { killAllGroups } from "./targets/proc";
import { startWranglerTarget } from "./targets/wrangler-target";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "storm" },
    target: { type: "string", default: "roomcast" },
    config: { type: "string" },
    top: { type: "string", default: "30" },
  },
});

function key(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.split("/").slice(-2).join("/");
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
}

/** Self and inclusive sample counts per function (inclusive counted once per stack). */
function aggregate(nodes: ProfileNode[]): {
  self: Map<string, number>;
  incl: Map<string, number>;
  total: number;
} {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (const n of nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const k = key(n);
    self.set(k, (self.get(k) ?? 0) + hits);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      const nk = key(node);
      if (seen.has(nk)) continue;
      seen.add(nk);
      incl.set(nk, (incl.get(nk) ?? 0) + hits);
    }
  }
  return { self, incl, total };
}

async function main(): Promise<void> {
  const profile = PROFILES.quick;
  const bare = values.target === "bare-do";
  const target = await startWranglerTarget({
    name: bare ? "bare-do" : "roomcast",
    label: values.target ?? "roomcast",
    root: ROOT,
    config: values.config ?? (bare ? "bench/bare-do/wrangler.toml" : "wrangler.toml"),
    vars: bare ? {} : ROOMCAST_BENCH_VARS,
    wakeMarker: bare ? "bench:bare-room-wake" : "roomcast:room-wake",
    ackVia: bare ? "echo" : "ack",
    via: "direct",
    devTokens: !bare,
    ...(bare ? {} : { roomQuery: "presence=diff" }),
  });
  const driver = new LoadDriver(2);
  const ctx: Ctx = {
    target,
    driver,
    tag: Math.random().toString(36).slice(2, 6),
    log: (m) => console.error(m),
  };
  const session = await openInspector(target.inspectorPort ?? 0);
  try {
    // Warm-up outside the profile (module load, JIT); traffic() warms the message path itself.
    await connectClients(ctx, await prepareClients(ctx, "warm", 20), 20);
    await driver.closeAll();
    // storm-v1: the same storm by v1 clients (no presence=diff: every join announced to each).
    const specs = values.scenario?.startsWith("storm")
      ? await prepareClients(ctx, values.scenario, profile.storm.clients, {
          v1: values.scenario === "storm-v1",
        })
      : undefined;
    if (values.scenario === "persist") await connectClients(ctx, await prepareClients(ctx, "persist", 1), 1);
    await settle(ctx);
    await session.call("Profiler.enable");
    await session.call("Profiler.setSamplingInterval", { interval: 100 });
    await session.call("Profiler.start");
    const started = Date.now();
    let ops = 0;
    if (specs) {
      ops = (await connectClients(ctx, specs, profile.storm.concurrency)).connected;
      await settle(ctx);
    } else {
      const r = await traffic(ctx, {
        roomSize: 1,
        senders: [0],
        plan: { kind: "window", window: profile.persist.window },
        durationMs: profile.persist.durationMs,
        drainMaxMs: 10_000,
      });
      ops = r.sent;
    }
    const wallMs = Date.now() - started;
    const { profile: cpu } = (await session.call("Profiler.stop")) as {
      profile: { nodes: ProfileNode[]; startTime: number; endTime: number };
    };
    const { self, incl, total } = aggregate(cpu.nodes);
    const idle = (self.get("(idle) :0") ?? 0) + (self.get("(program) :0") ?? 0);
    const busy = total - idle;
    const profiledUs = cpu.endTime - cpu.startTime;
    const usPerOp = (hits: number) => ((hits / total) * profiledUs) / Math.max(1, ops);
    const top = Number(values.top);
    const print = (title: string, map: Map<string, number>) => {
      console.log(`\n${title}\n`);
      console.log("| function | % of busy samples | µs per op |\n| --- | ---: | ---: |");
      for (const [k, hits] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`| ${k} | ${((hits / busy) * 100).toFixed(1)} | ${usPerOp(hits).toFixed(1)} |`);
      }
    };
    console.log(
      `${values.target} ${values.scenario}: ${ops} ops in ${wallMs} ms; JS busy ${((busy / total) * 100).toFixed(0)} % of the profile = ${usPerOp(busy).toFixed(0)} µs per op (idle and (program) excluded)`,
    );
    print("Self time", new Map([...self].filter(([k]) => !k.startsWith("(idle)"))));
    print(
      "Inclusive time",
      new Map([...incl].filter(([k]) => !k.startsWith("(idle)") && !k.startsWith("(root)"))),
    );
  } finally {
    session.close();
    await driver.stop().catch(() => undefined);
    await target.stop();
  }
}

process.on("exit", killAllGroups);
main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  killAllGroups();
  process.exit(1);
});

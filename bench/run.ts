/**
 * `npm run bench`: Roomcast side by side with the bare Durable Object ceiling and
 * a plain Node `ws` server, on this machine, in one run. Each target is started,
 * driven through the scenarios and stopped in turn; results go to
 * bench/results/latest/<profile>-latest.json (untracked) and the table is
 * printed; with --save (or BENCH_SAVE=1) to the committed bench/results/.
 *
 *   npm run bench                    quick profile (a few minutes)
 *   npm run bench -- --full          every scenario, longer phases
 *   npm run bench -- --targets roomcast,bare-do --only storm,fanout --via proxy --threads 2
 *   npm run bench -- --targets roomcast --only persist,private   (a room message next to a private one)
 *   npm run bench -- --full --save   (rewrites the committed bench/results/full-latest.*)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOMCAST_BENCH_VARS } from "./bench-vars";
import { LoadDriver } from "./load/driver";
import { PROFILES, type Profile } from "./profiles";
import { markdownTable, targetChecks } from "./report";
import type { RunResults, TargetResults } from "./results-types";
import type { Ctx } from "./scenarios/context";
import { privateScenario } from "./scenarios/private-scenario";
import { stormScenario } from "./scenarios/storm";
import { fanoutScenario, lightScenario, persistScenario, sweepScenario } from "./scenarios/traffic-scenarios";
import { uploadScenario } from "./scenarios/upload";
import { killAllGroups } from "./targets/proc";
import type { Target, TargetName } from "./targets/target";
import { startWranglerTarget, type Via } from "./targets/wrangler-target";
import { startWsTarget } from "./targets/ws-target";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCENARIOS = ["storm", "fanout", "light", "sweep", "persist", "upload", "private"] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    targets: { type: "string", default: "roomcast,bare-do,ws" },
    only: { type: "string", default: SCENARIOS.join(",") },
    via: { type: "string", default: "direct" },
    threads: { type: "string", default: "2" },
    save: { type: "boolean", default: false },
  },
});

const save = values.save || process.env.BENCH_SAVE === "1";

const profile: Profile = values.full ? PROFILES.full : PROFILES.quick;
const via = values.via === "proxy" ? "proxy" : ("direct" satisfies Via);
const targetNames = values.targets.split(",").map((s) => s.trim()) as TargetName[];
const only = new Set(values.only.split(",").map((s) => s.trim()) as ScenarioName[]);
const threads = Math.max(1, Number(values.threads) || 2);

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function startTarget(name: TargetName): Promise<Target> {
  switch (name) {
    case "roomcast":
      return startWranglerTarget({
        name,
        label: "Roomcast (wrangler dev, wrangler.toml)",
        root: ROOT,
        config: "wrangler.toml",
        vars: ROOMCAST_BENCH_VARS,
        wakeMarker: "roomcast:room-wake",
        ackVia: "ack",
        via,
        devTokens: true,
        // As the client SDK does: batched presence in rooms above PRESENCE_BATCH_ABOVE.
        roomQuery: "presence=diff",
      });
    case "bare-do":
      return startWranglerTarget({
        name,
        label: "bare Durable Object (wrangler dev, bench/bare-do)",
        root: ROOT,
        config: "bench/bare-do/wrangler.toml",
        vars: {},
        wakeMarker: "bench:bare-room-wake",
        ackVia: "echo",
        via,
        devTokens: false,
      });
    case "ws":
      return startWsTarget(ROOT);
  }
}

/** One measurement on a freshly started target. */
interface Unit {
  scenario: ScenarioName;
  run(ctx: Ctx, results: TargetResults): Promise<void>;
}

function unitsFor(name: TargetName): Unit[] {
  const units: Unit[] = [
    {
      scenario: "storm",
      run: async (ctx, r) => {
        r.storm = await stormScenario(ctx, profile);
      },
    },
    {
      scenario: "fanout",
      run: async (ctx, r) => {
        r.fanout = await fanoutScenario(ctx, profile);
      },
    },
  ];
  if (name === "bare-do") {
    units.push({
      scenario: "fanout",
      run: async (ctx, r) => {
        r.fanoutWithStorageWrite = await fanoutScenario(ctx, profile, "fanoutsql", "store=1");
      },
    });
  }
  if (name === "roomcast") {
    units.push({
      scenario: "storm",
      run: async (ctx, r) => {
        r.stormOneUser = await stormScenario(ctx, profile, { oneUser: true });
      },
    });
    units.push({
      scenario: "storm",
      run: async (ctx, r) => {
        r.stormV1 = await stormScenario(ctx, profile, { v1: true });
      },
    });
  }
  if (name !== "ws") {
    units.push({
      scenario: "storm",
      run: async (ctx, r) => {
        const { clients, perSecond } = profile.storm.slow;
        r.stormSlow = await stormScenario(ctx, profile, { clients, pacedPerSecond: perSecond });
      },
    });
  }
  units.push({
    scenario: "light",
    run: async (ctx, r) => {
      r.light = await lightScenario(ctx, profile);
    },
  });
  for (const size of profile.sweep.sizes) {
    units.push({
      scenario: "sweep",
      run: async (ctx, r) => {
        r.sweep = { ...r.sweep, [String(size)]: await sweepScenario(ctx, profile, size) };
      },
    });
  }
  if (name === "bare-do") {
    units.push({
      scenario: "persist",
      run: async (ctx, r) => {
        r.persistWithStorageWrite = await persistScenario(ctx, profile, "persistsql", "store=1");
      },
    });
  }
  units.push({
    scenario: "persist",
    run: async (ctx, r) => {
      r.persist = await persistScenario(ctx, profile);
    },
  });
  if (name === "roomcast") {
    units.push({
      scenario: "upload",
      run: async (ctx, r) => {
        r.upload = await uploadScenario(ctx, profile);
      },
    });
    units.push({
      scenario: "private",
      run: async (ctx, r) => {
        r.private = await privateScenario(ctx, profile);
      },
    });
  }
  return units.filter((u) => only.has(u.scenario));
}

/**
 * Runs every scenario of one target, each on a freshly started server: the
 * memory baseline is a clean process, and no queue or departure storm left by
 * one scenario can slow the next.
 */
async function runTarget(name: TargetName, tag: string): Promise<TargetResults> {
  const started = Date.now();
  log(`\n## ${name}`);
  const results: TargetResults = { target: name, label: name, settings: {}, seconds: 0 };
  for (const unit of unitsFor(name)) {
    let target: Target | undefined;
    const driver = new LoadDriver(threads);
    try {
      target = await startTarget(name);
      results.label = target.label;
      results.settings = target.settings;
      await unit.run({ target, driver, tag, log }, results);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results.error = `${results.error ? `${results.error}; ` : ""}${unit.scenario}: ${message}`;
      log(`  FAILED: ${message}`);
    } finally {
      await target?.stop();
      await driver.stop().catch(() => undefined);
    }
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  log(`  done in ${results.seconds} s`);
  return results;
}

function wranglerVersion(): string {
  try {
    return execFileSync(
      process.execPath,
      [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "--version"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    ).trim();
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const tag = Math.random().toString(36).slice(2, 6);
  const run: RunResults = {
    profile: profile.name,
    startedAt: new Date().toISOString(),
    seconds: 0,
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      node: process.version,
      wrangler: wranglerVersion(),
    },
    loadThreads: threads,
    via:
      via === "direct"
        ? "clients connect to the worker's workerd directly"
        : "through the wrangler dev proxy",
    targets: [],
  };
  log(`roomcast bench, ${profile.name} profile, ${threads} load threads, ${run.via}`);
  for (const name of targetNames) run.targets.push(await runTarget(name, tag));
  run.seconds = Math.round((Date.now() - started) / 1000);

  // The committed results change only when asked (--save or BENCH_SAVE=1); an
  // ordinary run writes to bench/results/latest/, which git ignores.
  const dir = join(ROOT, save ? "bench/results" : "bench/results/latest");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${profile.name}-latest.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  const table = markdownTable(run);
  const checks = targetChecks(run);
  const m = run.machine;
  const header = `${profile.name} profile, ${run.startedAt.slice(0, 16)}Z, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, wrangler ${m.wrangler}; ${run.via}; ${run.seconds} s`;
  writeFileSync(join(dir, `${profile.name}-latest.md`), `${header}\n\n${table}\n\nTargets:\n${checks}\n`);
  process.stdout.write(`\n${header}\n\n${table}\n\nTargets:\n${checks}\n\nResults: ${file}\n`);
  if (run.targets.some((t) => t.error)) process.exitCode = 1;
}

// Whatever happens, leave no server running.
process.on("exit", killAllGroups);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    killAllGroups();
    process.exit(130);
  });
}
main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  killAllGroups();
  process.exit(1);
});

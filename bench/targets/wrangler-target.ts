/**
 * Targets 1 and 2: a worker under `wrangler dev` (Roomcast from wrangler.toml,
 * or the bare object from bench/bare-do/wrangler.toml).
 *
 * `wrangler dev` runs two workerd processes: a dev proxy listening on the
 * `--port` it is given, which relays every request and every WebSocket frame,
 * and the worker's own workerd behind it on a random port. The proxy exists only
 * in local development, so by default the bench connects straight to the
 * worker's workerd (found from /proc) and reports the proxy's memory apart;
 * `via: "proxy"` measures through it, as a browser on localhost would connect.
 */
import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "../load/clock";
import { collectGarbage } from "./inspector";
import { cmdline, killGroup, listeningPorts, type ProcSample, sampleTree, spawnGroup, treeOf } from "./proc";
import { freePort, type Target, type TargetName } from "./target";

/** How the clients reach the worker. */
export type Via = "direct" | "proxy";

export interface WranglerTargetOptions {
  name: Extract<TargetName, "roomcast" | "bare-do">;
  label: string;
  /** Repository root. */
  root: string;
  /** wrangler config, relative to `root`. */
  config: string;
  /** `--var` overrides. */
  vars: Record<string, string>;
  /** Log line printed once per room-object construction. */
  wakeMarker: string;
  ackVia: "ack" | "echo";
  via: Via;
  /** Query string added to every room URL (the bare target's `?store=1`). */
  roomQuery?: string;
  /** Whether clients need `POST /dev/token` bearer tokens. */
  devTokens: boolean;
}

const START_TIMEOUT_MS = 90_000;

/** Starts `wrangler dev` for a config and waits until the worker answers /health. */
export async function startWranglerTarget(opts: WranglerTargetOptions): Promise<Target> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const persistTo = mkdtempSync(join(tmpdir(), `roomcast-bench-${opts.name}-`));
  // The whole wrangler output, kept for post-mortems (the directory is removed on stop).
  const logFile = join(tmpdir(), `roomcast-bench-${opts.name}.log`);
  rmSync(logFile, { force: true });
  let wakeups = 0;
  let ready = false;
  const tail: string[] = [];
  const args = [
    join(opts.root, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--config",
    opts.config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    ...Object.entries(opts.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child: ChildProcess = spawnGroup(
    process.execPath,
    args,
    (line) => {
      if (line.includes(opts.wakeMarker)) wakeups += 1;
      else appendFileSync(logFile, `${line}\n`);
      if (line.includes("Ready on")) ready = true;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    },
    opts.root,
  );
  const fail = async (why: string): Promise<never> => {
    await killGroup(child);
    rmSync(persistTo, { recursive: true, force: true });
    throw new Error(`${opts.name}: ${why}\n${tail.join("\n")}`);
  };
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!ready && Date.now() < deadline && child.exitCode === null) await sleep(100);
    if (!ready) return await fail("wrangler dev did not become ready");
    const pid = child.pid ?? 0;
    const roleOf = (p: number): string => {
      const cmd = cmdline(p);
      if (cmd.includes("workerd")) {
        return cmd.includes(`entry=127.0.0.1:${port} `) ? "proxy" : "workerd";
      }
      if (cmd.includes("esbuild")) return "esbuild";
      return "wrangler";
    };
    const workerPid = treeOf(pid).find((p) => roleOf(p) === "workerd");
    if (workerPid === undefined) return await fail("no worker workerd process found");
    const workerPort = opts.via === "direct" ? await findHealthPort(workerPid) : port;
    if (workerPort === undefined) return await fail("the worker's own workerd port did not answer /health");
    const http = `http://127.0.0.1:${workerPort}`;
    return {
      name: opts.name,
      label: opts.label,
      ackVia: opts.ackVia,
      settings: {
        ...opts.vars,
        connectVia: opts.via === "direct" ? "worker workerd (no dev proxy)" : "dev proxy",
      },
      roomUrl: (room, query = "", plain = false) =>
        `ws://127.0.0.1:${workerPort}/v1/rooms/${room}/ws${joinQuery(plain ? undefined : opts.roomQuery, query)}`,
      ...(opts.devTokens ? { inboxUrl: () => `ws://127.0.0.1:${workerPort}/v1/inbox/ws` } : {}),
      authHeaders: (names) =>
        opts.devTokens ? devTokens(http, names) : Promise.resolve(names.map(() => ({}))),
      sample: (): ProcSample[] => sampleTree(pid, roleOf),
      inspectorPort,
      collectGarbage: () => collectGarbage(inspectorPort, `${http}/health`),
      wakeups: () => wakeups,
      stop: async () => {
        await killGroup(child);
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await killGroup(child);
    rmSync(persistTo, { recursive: true, force: true });
    throw err;
  }
}

function joinQuery(fixed: string | undefined, extra: string): string {
  const parts = [fixed, extra.replace(/^\?/, "")].filter((p): p is string => !!p);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

/** The port of `pid` that answers `GET /health` (its entry socket; the others are inspector/debug). */
async function findHealthPort(pid: number): Promise<number | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    for (const p of listeningPorts(pid)) {
      try {
        const res = await fetch(`http://127.0.0.1:${p}/health`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        if (res.ok && body.includes('"status":"ok"')) return p;
      } catch {
        // Not an HTTP entry.
      }
    }
    await sleep(250);
  }
  return undefined;
}

/** One dev token per name, a few requests at a time. */
async function devTokens(http: string, names: string[]): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = new Array(names.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      const res = await fetch(`${http}/dev/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: names[i] }),
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`POST /dev/token answered ${res.status}`);
      const { token } = (await res.json()) as { token: string };
      out[i] = { Authorization: `Bearer ${token}` };
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return out;
}

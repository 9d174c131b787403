/**
 * `wrangler dev` as a child process on a fixed port, so a test can stop the
 * server mid-conversation and start it again on the same address (the
 * harness's URL changes on every start). State persists to a temp directory
 * across restarts, as it does for a developer. Readiness is polled on
 * /health, never slept for; the whole process group is killed on stop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import DEV_VARS from "../../scripts/dev-vars.json" with { type: "json" };
import { freePort } from "../helpers/free-port";

const WRANGLER = path.resolve("node_modules/wrangler/bin/wrangler.js");

/** A restartable `wrangler dev`. */
export class DevServer {
  #child: ChildProcess | undefined;
  #log = "";

  private constructor(
    readonly port: number,
    readonly persistDir: string,
    /** Test-only var overrides (`--var`), kept across restarts. */
    readonly vars: Record<string, string> = {},
  ) {}

  /** Starts a server on a free port with fresh, empty state (and optional var overrides). */
  static async start(overrides: Record<string, string> = {}): Promise<DevServer> {
    // Every browser in these tests connects from 127.0.0.1, reconnecting (and
    // probing refusals) more often when the machine is busy: the guard's per-IP
    // connect rate would count them all as one client. It has its own tests
    // (test/e2e/guard.test.ts); here it is raised out of the way.
    // What `npm run dev` adds (dev sign-in), then the tests' own settings.
    const vars = {
      ...DEV_VARS,
      CONNECT_RATE_PER_MINUTE: "100000",
      USER_CONNECT_RATE_PER_MINUTE: "100000",
      ...overrides,
    };
    const persistDir = fs.mkdtempSync(path.join(os.tmpdir(), "roomcast-dev-"));
    // workerd binds a few ports of its own; when another wrangler or test harness
    // starting at the same moment takes one first, startup fails with "Address
    // already in use". That is a race between processes, not a bug here: try once
    // more on a new port.
    for (let attempt = 1; ; attempt++) {
      const server = new DevServer(await freePort(), persistDir, vars);
      try {
        await server.start();
        return server;
      } catch (err) {
        await server.stop();
        if (attempt >= 2 || !String(err).includes("Address already in use")) {
          fs.rmSync(persistDir, { recursive: true, force: true });
          throw err;
        }
      }
    }
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The server's output so far (for failure messages). */
  get log(): string {
    return this.#log;
  }

  /** Starts (or restarts) the process and waits until /health answers. */
  async start(timeoutMs = 90_000): Promise<void> {
    if (this.#child) throw new Error("already running");
    const args = [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(this.port)];
    args.push("--persist-to", this.persistDir, "--show-interactive-dev-session=false");
    for (const [name, value] of Object.entries(this.vars)) args.push("--var", `${name}:${value}`);
    const child = spawn(process.execPath, args, {
      detached: true, // its own process group, so stop() reaches workerd too
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
    });
    this.#child = child;
    const append = (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${this.#log}`))),
    );
    exited.catch(() => {});
    await Promise.race([this.#waitHealthy(timeoutMs), exited]);
  }

  /** Stops the whole process group and waits for it to exit. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.#child;
    if (!child || child.pid === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid as number, "SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
    // workerd may outlive wrangler by a moment: make sure nothing of the group is left.
    killGroup(child.pid, "SIGKILL");
    await this.#waitPortFree(timeoutMs);
  }

  /** Stops the server and deletes its state. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.persistDir, { recursive: true, force: true });
  }

  async #waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`wrangler dev did not become healthy within ${timeoutMs} ms:\n${this.#log}`);
  }

  async #waitPortFree(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const free = await new Promise<boolean>((resolve) => {
        const probe = net.connect(this.port, "127.0.0.1");
        probe.once("connect", () => {
          probe.destroy();
          resolve(false);
        });
        probe.once("error", () => resolve(true));
      });
      if (free) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`port ${this.port} still in use ${timeoutMs} ms after stop`);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

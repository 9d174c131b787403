// What `wrangler deploy` ships cannot mint tokens: the config as deployed (a
// bare deploy and `--env production`) has development sign-in off and no dev
// secret, read from wrangler's own dry run, and the worker started from exactly
// that config refuses /dev/token and every token signed with the dev secret.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import DEV_VARS from "../../scripts/dev-vars.json" with { type: "json" };
import { freshRoom, signTestToken } from "../helpers/tokens";
import { openSocket, RefusedUpgrade, type RunningWorker, startWorker } from "./worker-harness";

const WRANGLER = path.resolve("node_modules/wrangler/bin/wrangler.js");

/** `wrangler deploy --dry-run` (no account needed): its output lists every binding it would upload. */
function dryRun(args: string[]): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "roomcast-dry-"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outdir, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", CI: "true" },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fs.rmSync(outdir, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else reject(new Error(`wrangler deploy --dry-run exited ${code}:\n${out}`));
    });
  });
}

describe.each([
  ["a bare wrangler deploy", []],
  ["wrangler deploy --env production (npm run deploy)", ["--env", "production"]],
])("%s", (_label, args) => {
  it("ships dev sign-in off, no dev secret and no secret value", { timeout: 150_000 }, async () => {
    const out = await dryRun(args);
    expect(out).toMatch(/env\.ROOM \(RoomDO\)/); // the binding table was printed
    expect(out).toMatch(/env\.DEV_AUTH \("false"\)/);
    expect(out).not.toMatch(/DEV_JWT_SECRET/);
    // No secret is a var: their values come from `wrangler secret put` only.
    expect(out).not.toMatch(
      /env\.(JWT_SECRET|FILE_URL_SECRET|METRICS_TOKEN|\w+_WEBHOOK_SECRET|PUBLISH_HOOK_SECRET) /,
    );
    // Nothing of the development settings is in what would be uploaded.
    for (const value of Object.values(DEV_VARS)) {
      if (value.length > 8) expect(out).not.toContain(value);
    }
    // A config that would leave a secret unexplained warns here (vars not inherited).
    expect(out).not.toMatch(/not on "env\.production\.vars"/);
  });
});

describe("the worker started from the deployable config", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker({}, { deployable: true });
  });
  afterAll(async () => {
    await worker?.close();
  });

  it("refuses to mint a token, even an admin's", async () => {
    const res = await fetch(new URL("/dev/token", worker.url), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "mallory", role: "admin" }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("dev_auth_off");
  });

  it("accepts no token signed with the dev secret (no signing key: 503 misconfigured)", async () => {
    const token = await signTestToken({ sub: "mallory", role: "admin" });
    const refused = await openSocket(worker.roomUrl(freshRoom()), {
      headers: { Authorization: `Bearer ${token}` },
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RefusedUpgrade);
    expect((refused as RefusedUpgrade).status).toBe(503);
    const admin = await fetch(new URL("/v1/admin/stats", worker.url), {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(admin.status).toBe(503);
  });
});

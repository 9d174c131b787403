// The SDK as someone else's app gets it: `npm pack` of packages/client (its
// prepack builds dist/ from src/client), the tarball installed into a scratch
// project outside the repository, type-checked with `moduleResolution:
// nodenext` and `bundler` by the repository's tsc (library checking on, so the
// published declarations themselves are checked), then a Node script of that
// app chats with the running worker. Also: the worker serves its own bundle
// (/vendor/) with CORS, so a page on another origin can import it.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");
const tsc = path.join(repo, "node_modules/.bin/tsc");
const fx = useWorkerClients();

/** The scratch app: typed use of the SDK, and a chat between two users. */
const APP = `
import { RoomcastClient, RoomcastError, type RoomMessageFrame, type CloseInfo } from "@roomcast/client";

declare const process: { env: Record<string, string | undefined> };
const { ROOMCAST_URL: url = "", ROOM: room = "", TOKEN_A = "", TOKEN_B = "" } = process.env;

const alice = new RoomcastClient({ url, room, token: TOKEN_A });
const bob = new RoomcastClient({ url, room, token: async (reason) => (reason === "initial" ? TOKEN_B : TOKEN_B) });
const heard = new Promise<RoomMessageFrame>((resolve) => {
  bob.on("message", (m) => {
    const text: string = m.content;
    if (text === "hello from the app") resolve(m);
  });
});
// The types are real, not any: these must be errors.
// @ts-expect-error content is a string
const wrong: number = ({} as RoomMessageFrame).content;
// @ts-expect-error there is no such event
bob.on("no_such_event", () => {});
const why = (info: CloseInfo): string | undefined => info.error;
void wrong;
void why;

await alice.connect();
await bob.connect();
const ack = await alice.send("hello from the app");
const message = await heard;
try {
  await alice.history({ limit: 0 });
} catch (err) {
  if (!(err instanceof RoomcastError)) throw err;
  console.log(JSON.stringify({ seq: ack.seq, from: message.from.name, content: message.content, refused: err.code }));
}
alice.close();
bob.close();
`;

const COMMON = { target: "es2022", lib: ["es2022", "dom"], strict: true, types: [], skipLibCheck: false };

let scratch = "";

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "roomcast-app-"));
  // prepack builds dist/ first; the tarball lands in the scratch folder.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", scratch], {
    cwd: path.join(repo, "packages/client"),
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error("npm pack reported nothing");
  const app = path.join(scratch, "app");
  await run("mkdir", ["-p", app]);
  await writeFile(
    path.join(app, "package.json"),
    JSON.stringify({ name: "scratch-app", private: true, type: "module" }),
  );
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", path.join(scratch, packed.filename)], {
    cwd: app,
  });
  await writeFile(path.join(app, "app.ts"), APP);
  await writeFile(
    path.join(app, "tsconfig.nodenext.json"),
    JSON.stringify({
      compilerOptions: { ...COMMON, module: "nodenext", moduleResolution: "nodenext", outDir: "out" },
      files: ["app.ts"],
    }),
  );
  await writeFile(
    path.join(app, "tsconfig.bundler.json"),
    JSON.stringify({
      compilerOptions: { ...COMMON, module: "esnext", moduleResolution: "bundler", noEmit: true },
      files: ["app.ts"],
    }),
  );
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the packed SDK in an app outside the repository", () => {
  it("is a package: ESM, declarations, exports with types, a version, no dependencies", async () => {
    const installed = path.join(scratch, "app/node_modules/@roomcast/client");
    const manifest = JSON.parse(await readFile(path.join(installed, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "@roomcast/client",
      type: "module",
      files: ["dist", "README.md"],
    });
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.exports["."].types).toMatch(/\.d\.ts$/);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
    // Nothing from the server (no zod, no worker code) is in the bundle.
    const bundle = await readFile(path.join(installed, "dist/index.js"), "utf8");
    expect(bundle).not.toMatch(/from "zod"|cloudflare:|hono/);
  });

  it.each(["nodenext", "bundler"])(
    "type-checks with moduleResolution %s",
    async (resolution) => {
      const app = path.join(scratch, "app");
      await run(tsc, ["-p", `tsconfig.${resolution}.json`], { cwd: app }).catch(
        (err: { stdout?: string }) => {
          throw new Error(`tsc (${resolution}) failed:\n${err.stdout}`);
        },
      );
    },
    60_000,
  );

  it("chats with the running worker from a Node script of the app", async () => {
    const app = path.join(scratch, "app");
    await run(tsc, ["-p", "tsconfig.nodenext.json"], { cwd: app });
    const room = freshRoom();
    const { stdout } = await run(process.execPath, ["out/app.js"], {
      cwd: app,
      timeout: 20_000,
      env: {
        ...process.env,
        ROOMCAST_URL: fx.worker.url.href,
        ROOM: room,
        TOKEN_A: await signTestToken({ sub: "app-alice", name: "Alice" }),
        TOKEN_B: await signTestToken({ sub: "app-bob", name: "Bob" }),
      },
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      seq: 1,
      from: "Alice",
      content: "hello from the app",
      refused: "invalid_message",
    });
  }, 60_000);
});

describe("the worker's own bundle (/vendor/)", () => {
  it("can be imported by a page on another origin (CORS)", async () => {
    const res = await fetch(new URL("/vendor/roomcast-client.js", fx.worker.url), {
      headers: { Origin: "https://app.example.com" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("content-type")).toMatch(/javascript/);
  });
});

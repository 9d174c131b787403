// Bundles the client SDK (src/client) into public/vendor/ for the demo and the
// `roomcast/client` export, and the operations dashboard (src/admin, with its
// chart library uPlot and uPlot's stylesheet) for public/admin.html. Run by `npm run build:client`, which wrangler's
// [build] runs before `dev` and `deploy`. The bundle is written to a temporary
// folder and renamed into place, so a server started in parallel (tests start
// several) never serves a half-written file.
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

const out = "public/vendor";
await mkdir(out, { recursive: true });
const tmp = await mkdtemp(join(out, ".tmp-"));
try {
  await build({
    entryPoints: {
      "roomcast-client": "src/client/index.ts",
      "roomcast-admin": "src/admin/index.ts",
      uplot: "node_modules/uplot/dist/uPlot.min.css",
    },
    bundle: true,
    format: "esm",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
    outdir: tmp,
  });
  for (const file of await readdir(tmp)) await rename(join(tmp, file), join(out, file));
} finally {
  await rm(tmp, { recursive: true, force: true });
}

// The demo, SDK bundle included, packed for the worker to serve (see build-public-files.mjs).
await import("./build-public-files.mjs");

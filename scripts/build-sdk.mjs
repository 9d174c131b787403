// Builds the installable SDK package in packages/client/dist/ (run by its
// `prepack`, so `npm pack` always packs what the source says): esbuild bundles
// src/client into one ESM file with no runtime dependencies, and tsc emits
// declarations of src/client and the protocol types it uses. Declarations get
// `.js` on relative imports, which `moduleResolution: nodenext` requires (and
// `bundler` accepts). The demo's bundle (public/vendor/) is build-client.mjs.
import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "packages/client");
const dist = join(pkg, "dist");

await rm(dist, { recursive: true, force: true });
await build({
  entryPoints: [join(root, "src/client/index.ts")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning",
  outfile: join(dist, "index.js"),
});
await promisify(execFile)(join(root, "node_modules/.bin/tsc"), ["-p", join(pkg, "tsconfig.json")], {
  cwd: root,
});

/** Every .d.ts under `dir`. */
async function declarations(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".d.ts")).map((e) => join(e.parentPath, e.name));
}

for (const file of await declarations(join(dist, "types"))) {
  const text = await readFile(file, "utf8");
  if (/from "zod"|import\("zod"\)/.test(text)) {
    throw new Error(`${file} refers to zod: the SDK's declarations must need no dependency`);
  }
  const fixed = text.replace(/((?:from|import)\s*\(?\s*")(\.{1,2}\/[^"]+?)(")/g, (_, head, spec, tail) =>
    spec.endsWith(".js") ? `${head}${spec}${tail}` : `${head}${spec}.js${tail}`,
  );
  if (fixed !== text) await writeFile(file, fixed);
}

// Packs the demo in public/ (with the SDK bundle build-client.mjs just wrote)
// into one module the worker imports as `@roomcast/public-files` (an alias in
// wrangler.toml and vitest.config.ts; types in src/http/public-files.d.ts), so
// the worker serves the demo itself and no asset router stands in front of its
// WebSockets (docs/performance.md). Written to .build/ (gitignored) through a
// temporary file and a rename, so a server started in parallel never reads half.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
};

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

const files = {};
for (const path of (await walk("public")).sort()) {
  const type = TYPES[extname(path)];
  // _headers and editor leftovers are not served (their rules live in static-files.ts).
  if (
    !type ||
    relative("public", path)
      .split(sep)
      .some((part) => part.startsWith(".") || part.startsWith("_"))
  ) {
    continue;
  }
  const body = await readFile(path, "utf8");
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`;
  files[`/${relative("public", path).split(sep).join("/")}`] = { body, type, etag };
}
await mkdir(".build", { recursive: true });
const tmp = join(".build", `.public-files-${process.pid}.js`);
await writeFile(tmp, `export default ${JSON.stringify(files)};\n`);
await rename(tmp, join(".build", "public-files.js"));

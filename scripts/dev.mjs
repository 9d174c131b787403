// `npm run dev`: `wrangler dev` with the development-only settings of
// scripts/dev-vars.json added as `--var`s (dev sign-in on, its signing secret, a
// download-link key), so the demo works with no file to create while the
// deployable config in wrangler.toml carries none of them: a bare `wrangler
// deploy` ships dev sign-in off and no known secret.
//
// A `.dev.vars` file (gitignored) is how a local run uses real settings: a key
// set there wins over the dev value, and a real `JWT_SECRET` or `JWT_JWKS_URL`
// there turns dev sign-in off altogether (the demo then asks for a token from
// your backend). Extra arguments go to wrangler: `npm run dev -- --port 9000`.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const devVars = JSON.parse(readFileSync(new URL("./dev-vars.json", import.meta.url), "utf8"));

/** Keys set in .dev.vars (dotenv syntax; values are not needed here). */
function localKeys() {
  if (!existsSync(".dev.vars")) return new Set();
  const keys = readFileSync(".dev.vars", "utf8")
    .split(/\r?\n/)
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((key) => key !== undefined);
  return new Set(keys);
}

const local = localKeys();
const realKey = local.has("JWT_SECRET") || local.has("JWT_JWKS_URL");
const vars = Object.entries(devVars).filter(([key]) => {
  if (local.has(key)) return false;
  // With a real key, dev sign-in and its secret stay off: tokens come from your backend.
  return !(realKey && (key === "DEV_AUTH" || key === "DEV_JWT_SECRET"));
});
if (realKey) {
  console.log(
    "roomcast: .dev.vars sets a real signing key, so development sign-in is off (paste a token in the demo)",
  );
}

// wrangler's package exports do not include its bin script: take it by path.
const wrangler = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const args = [
  wrangler,
  "dev",
  ...vars.flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

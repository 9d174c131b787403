/**
 * Where browser tests write screenshots. A normal test run must leave the tree
 * clean, so screenshots go to the gitignored `test-results/`; the tracked copies
 * under `docs/` (shown in the README) are rewritten only when asked to with
 * `REFRESH_SCREENSHOTS=1 npm run test:browser`.
 */
import fs from "node:fs";
import path from "node:path";

/** True when this run should rewrite the tracked screenshots in docs/. */
export const refreshScreenshots = process.env.REFRESH_SCREENSHOTS === "1";

/**
 * The path to write the screenshot `name` (a file name such as "screenshot.png"):
 * `docs/<name>` with REFRESH_SCREENSHOTS=1, else `test-results/<name>`. The folder exists on return.
 * @example await page.screenshot({ path: screenshotPath("screenshot.png") });
 */
export function screenshotPath(name: string): string {
  const dir = refreshScreenshots ? "docs" : "test-results";
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

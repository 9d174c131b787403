// The code in the docs is code: each example file under docs/examples/ is
// type-checked by `npm run typecheck`, and the block a doc shows must be that
// file, byte for byte, so the page never drifts from what compiles.
import fs from "node:fs";
import { describe, expect, it } from "vitest";

/** The fenced blocks of one language in a Markdown file. */
function blocks(markdown: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push(m[1] ?? "");
  return out;
}

describe("docs examples", () => {
  it("docs/webhooks.md shows docs/examples/webhook-receiver.ts as it is", () => {
    const doc = fs.readFileSync("docs/webhooks.md", "utf8");
    const file = fs.readFileSync("docs/examples/webhook-receiver.ts", "utf8");
    expect(blocks(doc, "ts")).toContain(file);
  });
});

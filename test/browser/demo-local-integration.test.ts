// Local integration as docs/operations.md describes it: a local run with a real
// JWT_SECRET (as .dev.vars would give `npm run dev`) has no development sign-in,
// and the demo says so and why, opens the token box, and signs in with a token
// "from your backend" (signed here with that secret).
import { describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useDemo } from "./demo-fixture";

const JWT_SECRET = "a-local-integration-secret-of-enough-length-0001";

describe("the demo against a server with a real JWT_SECRET", () => {
  const demo = useDemo({ JWT_SECRET });

  it("says dev sign-in is off because of the real key, then signs in with a pasted token", async () => {
    const context = await demo.browser.newContext({
      viewport: { width: 390, height: 844 },
      baseURL: demo.server.url,
    });
    const page = await context.newPage();
    try {
      const room = freshRoom();
      await page.goto(`/?room=${room}`);
      await page.getByLabel("Your display name").fill("Ada");
      await page.getByRole("button", { name: "Sign in" }).click();
      const error = page.locator("#signin-error");
      await expect.poll(() => error.textContent()).toMatch(/JWT_SECRET/);
      expect(await error.textContent()).toMatch(/Paste a token from your backend/);
      expect(await page.locator("#token-signin").getAttribute("open")).not.toBeNull();

      const token = await signTestToken({ sub: "ada-from-backend", name: "Ada Lovelace" }, JWT_SECRET);
      await page.getByLabel("Access token (JWT)").fill(token);
      await page.getByLabel("Your display name").fill("");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("#status[data-status='open']").waitFor();
    } finally {
      await context.close();
    }
  });
});

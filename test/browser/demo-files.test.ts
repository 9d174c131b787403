// Files in the demo, in Debian's Chromium against `wrangler dev`: an image dropped
// on the conversation uploads with a progress bar and shows as a preview on the
// other side; refused files (HTML, SVG, too large) say why, with no Retry (they
// would only be refused again), and their toasts leave Send clickable; a text file holding
// HTML is a download card, and opening its link downloads it instead of rendering
// it in the demo's origin.
import { describe, expect, it } from "vitest";
import { PNG_BYTES } from "../helpers/files";
import { messageTexts } from "./chromium";
import { useDemo } from "./demo-fixture";

// A small file limit, so "too large" needs no 10 MiB transfer into the browser.
const demo = useDemo({ MAX_FILE_BYTES: String(256 * 1024) });

describe("files in the demo", () => {
  it("uploads a dropped image, and the other user sees its preview", async () => {
    const room = `files-${Date.now().toString(36)}`;
    const alice = await demo.join(room, "Alice");
    const bob = await demo.join(room, "Bob");
    const drop = await alice.page.evaluateHandle((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "dot.png", { type: "image/png" }));
      return data;
    }, Array.from(PNG_BYTES));
    await alice.page.dispatchEvent("#conversation", "dragenter", { dataTransfer: drop });
    await alice.page.dispatchEvent("#conversation", "drop", { dataTransfer: drop });

    const preview = bob.page.locator("#messages .file-preview img");
    await preview.waitFor();
    expect(await preview.getAttribute("alt")).toBe("dot.png");
    // Loaded through the signed link: a decoded 1×1 image.
    await expect
      .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(1);
    expect(await bob.page.locator("#messages figcaption").textContent()).toBe(
      `dot.png · ${PNG_BYTES.length} B`,
    );
    // On the sender's side the upload became the same preview, marked delivered.
    await alice.page.locator("#messages .msg.own .file-preview img").waitFor();
    await expect.poll(() => alice.page.locator("#messages .msg.own .state").textContent()).toBe("Delivered");
    expect(await alice.page.locator("#messages progress").count()).toBe(0);
    expect([...alice.errors, ...bob.errors, ...alice.dialogs, ...bob.dialogs]).toEqual([]);
  });

  it("refuses HTML, SVG and oversized files with a reason, and downloads HTML sent as text", async () => {
    const room = `html-${Date.now().toString(36)}`;
    const mallory = await demo.join(room, "Mallory");
    const victim = await demo.join(room, "Victim");
    const html = Buffer.from("<!doctype html><script>alert(document.domain)</script><h1>hi</h1>");
    const attach = (name: string, mimeType: string, buffer: Buffer) =>
      mallory.page.setInputFiles("#file-input", { name, mimeType, buffer });

    await attach("page.html", "text/html", html);
    await attach(
      "logo.svg",
      "image/svg+xml",
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    );
    const failed = mallory.page.locator("#messages .msg.failed .state");
    await expect.poll(() => failed.allTextContents()).toHaveLength(2);
    for (const text of await failed.allTextContents())
      expect(text).toMatch(/^Not sent: That kind of file can't be shared here.* Dismiss$/);
    // A 415 would only come again: Dismiss (which takes the entry away), never Retry.
    expect(await failed.getByRole("button", { name: "Retry" }).count()).toBe(0);
    await expect.poll(() => mallory.page.locator("#toasts").textContent()).toMatch(/can't be shared/);
    // With the refusals' toasts up, Send is still clickable (no force: Playwright
    // refuses to click an element another one covers).
    expect(await mallory.page.locator("#toasts .toast").count()).toBeGreaterThan(0);
    await mallory.page.getByLabel("Your message").fill("toasts aside");
    await mallory.page.locator("#send").click({ timeout: 5000 });
    await expect.poll(() => messageTexts(victim)).toEqual(["toasts aside"]);
    await failed.first().getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => failed.allTextContents()).toHaveLength(1);

    const big = Buffer.alloc(256 * 1024 + 1, 0x61);
    await attach("huge.txt", "text/plain", big);
    await expect.poll(() => failed.allTextContents()).toHaveLength(2);
    expect((await failed.allTextContents())[1]).toMatch(/too large.* Dismiss$/);

    // The same page declared as text is allowed, renamed so it never saves as .html.
    await attach("page.html", "text/plain", html);
    const card = victim.page.locator("#messages a.file-card");
    await card.waitFor();
    expect(await card.locator(".file-name").textContent()).toBe("page.html.txt");
    expect(await card.locator(".file-meta").textContent()).toBe(`text/plain · ${html.length} B`);
    const [download] = await Promise.all([victim.page.waitForEvent("download"), card.click()]);
    expect(download.suggestedFilename()).toBe("page.html.txt");
    expect(victim.page.url()).toContain(`?room=${room}`);

    // Even opened directly, the link is a download, never a page of this origin.
    const href = (await card.getAttribute("href")) ?? "";
    const tab = await victim.context.newPage();
    const [direct] = await Promise.all([tab.waitForEvent("download"), tab.goto(href).catch(() => undefined)]);
    expect(direct.suggestedFilename()).toBe("page.html.txt");
    await tab.close();
    expect([...mallory.dialogs, ...victim.dialogs]).toEqual([]);
    expect(victim.errors).toEqual([]);
  });

  it("on a phone, a stack of toasts covers neither the composer nor Send", async () => {
    const room = `toasts-${Date.now().toString(36)}`;
    const pat = await demo.join(room, "Pat", { width: 390, height: 844 });
    const refused = [
      {
        name: "a.svg",
        mimeType: "image/svg+xml",
        buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      },
      { name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(256 * 1024 + 1, 0x61) },
    ];
    // One at a time, alternating, so no two toasts in a row are the same text (those merge).
    for (let i = 0; i < 4; i++) {
      await pat.page.setInputFiles("#file-input", refused[i % 2] ?? []);
      await expect.poll(() => pat.page.locator("#messages .msg.failed").count()).toBe(i + 1);
    }
    // Never more than three at once.
    const toasts = pat.page.locator("#toasts .toast");
    expect(await toasts.count()).toBeGreaterThan(0);
    expect(await toasts.count()).toBeLessThanOrEqual(3);
    const composer = await pat.page.locator("#composer").boundingBox();
    for (const toast of await toasts.all()) {
      const box = await toast.boundingBox();
      expect(box && composer && box.y + box.height <= composer.y).toBe(true);
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    await pat.page.getByLabel("Your message").fill("still sendable");
    await pat.page.locator("#send").click({ timeout: 5000 });
    await expect
      .poll(() => pat.page.locator("#messages .msg.own:not(.failed) .bubble").allTextContents())
      .toEqual(["still sendable"]);
    // The refused uploads' 413 and 415 are logged by Chromium itself; nothing else may be.
    expect(pat.errors.filter((e) => !e.startsWith("Failed to load resource"))).toEqual([]);
    expect(pat.dialogs).toEqual([]);
  });
});

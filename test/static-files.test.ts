// The demo's files, served by the worker itself (no asset router in front of
// its WebSockets): the right types, the CSP the page relies on, CORS on
// the SDK bundle, ETag revalidation, and JSON 404s for everything else.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const get = (path: string, init?: RequestInit) =>
  exports.default.fetch(`http://roomcast.localhost${path}`, init);

describe("demo files", () => {
  it("serves the page at / with its CSP, and its scripts and styles with their types", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(page.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await page.text()).toContain("<html");
    const script = await get("/js/app.js");
    expect(script.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await script.arrayBuffer();
    const css = await get("/css/app.css");
    expect(css.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    await css.arrayBuffer();
  });

  it("lets other origins import the SDK bundle, and answers a matching ETag with 304", async () => {
    const sdk = await get("/vendor/roomcast-client.js");
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const etag = sdk.headers.get("ETag") as string;
    await sdk.arrayBuffer();
    const again = await get("/vendor/roomcast-client.js", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const head = await get("/index.html", { method: "HEAD" });
    expect(head.status).toBe(200);
  });

  it("keeps JSON 404s for unknown paths and files that are not the demo's", async () => {
    // The SDK bundle's types (public/vendor/roomcast-client.d.ts) are for type-checking the demo, not served.
    for (const path of ["/nope.html", "/_headers", "/v1/nothing", "/vendor/roomcast-client.d.ts"]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
  });
});

// GET /v1/files/:id: signed links, safety headers, ETag and Range, served from R2
// (the local simulation) through the worker's real fetch handler.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fileKey } from "../src/files/file-objects";
import { FileLinkSigner, fileLinkSigner } from "../src/files/signed-url";
import { binaryPng } from "./helpers/files";

async function putFile(bytes: Uint8Array, type: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.FILES.put(fileKey(id), bytes, {
    httpMetadata: { contentType: type },
    customMetadata: { name, room: "r", from: "u" },
  });
  return id;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(new URL(url, "http://roomcast.localhost"), { headers }));

describe("GET /v1/files/:id", () => {
  it("serves the exact bytes with the stored type and the safety headers", async () => {
    const bytes = binaryPng(70_000);
    const id = await putFile(bytes, "image/png", "cat.png");
    const res = await get(fileLinkSigner(env).url(id, Date.now()));
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("Content-Disposition")).toBe(
      `inline; filename="cat.png"; filename*=UTF-8''cat.png`,
    );
    expect(res.headers.get("Accept-Ranges")).toBe("bytes");
    expect(res.headers.get("ETag")).toMatch(/^"[^"]+"$/);
    expect(res.headers.get("Cache-Control")).toMatch(/^private, max-age=3[56]\d\d$/);
  });

  it("serves text as an attachment in UTF-8, never inline", async () => {
    const id = await putFile(
      new TextEncoder().encode("<script>alert(1)</script>"),
      "text/plain",
      "page.html.txt",
    );
    const res = await get(fileLinkSigner(env).url(id, Date.now()));
    expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; /);
    await res.arrayBuffer();
  });

  it("answers If-None-Match with 304 and a Range with 206", async () => {
    const bytes = binaryPng(10_000);
    const id = await putFile(bytes, "image/png", "a.png");
    const url = fileLinkSigner(env).url(id, Date.now());
    const first = await get(url);
    const etag = first.headers.get("ETag") ?? "";
    await first.arrayBuffer();
    const cached = await get(url, { "If-None-Match": etag });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("ETag")).toBe(etag);
    expect(await cached.text()).toBe("");
    const weak = await get(url, { "If-None-Match": `"other", W/${etag}` });
    expect(weak.status).toBe(304);
    const changed = await get(url, { "If-None-Match": '"other"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();

    const part = await get(url, { Range: "bytes=100-1099" });
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 100-1099/10000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(100, 1100));
    const tail = await get(url, { Range: "bytes=-16" });
    expect(tail.headers.get("Content-Range")).toBe("bytes 9984-9999/10000");
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(9984));
    const beyond = await get(url, { Range: "bytes=10000-" });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("Content-Range")).toBe("bytes */10000");
    expect(await beyond.json()).toMatchObject({ error: "range_not_satisfiable" });
  });

  it("403 for forged, altered and expired links; 404 for a signed link to no file", async () => {
    const id = await putFile(binaryPng(100), "image/png", "a.png");
    const now = Date.now();
    const url = new URL(fileLinkSigner(env).url(id, now), "http://roomcast.localhost");
    const refusal = async (u: URL | string) => {
      const res = await get(u.toString());
      return { status: res.status, body: (await res.json()) as { error: string } };
    };
    const forged = new FileLinkSigner("not-the-servers-secret-but-long-enough", 3600).url(id, now);
    expect(await refusal(forged)).toMatchObject({ status: 403, body: { error: "invalid_signature" } });
    const longer = new URL(url);
    longer.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 3600));
    expect(await refusal(longer)).toMatchObject({ status: 403, body: { error: "invalid_signature" } });
    const noSig = new URL(url);
    noSig.searchParams.delete("sig");
    expect(await refusal(noSig)).toMatchObject({ status: 403, body: { error: "invalid_signature" } });
    const otherFile = new URL(url);
    otherFile.pathname = `/v1/files/${crypto.randomUUID()}`;
    expect(await refusal(otherFile)).toMatchObject({ status: 403, body: { error: "invalid_signature" } });
    // Signed two hours ago with a one-hour lifetime.
    const expired = fileLinkSigner(env).url(id, now - 7200_000);
    expect(await refusal(expired)).toMatchObject({ status: 403, body: { error: "url_expired" } });
    const unknown = fileLinkSigner(env).url(crypto.randomUUID(), now);
    expect(await refusal(unknown)).toMatchObject({ status: 404, body: { error: "not_found" } });
  });

  it("caps what a link may claim at FILE_URL_TTL_SECONDS: ten years ahead is refused, the cache lifetime is capped", async () => {
    const id = await putFile(binaryPng(100), "image/png", "a.png");
    const ttl = Number(env.FILE_URL_TTL_SECONDS);
    const secret = (env as { FILE_URL_SECRET?: string }).FILE_URL_SECRET ?? "";
    // Genuinely signed with the service's secret, for longer than links live.
    const tenYears = new FileLinkSigner(secret, 10 * 365 * 86_400).url(id, Date.now());
    const refused = await get(tenYears);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "url_expired" });
    const justOver = new FileLinkSigner(secret, ttl + 120).url(id, Date.now());
    expect((await get(justOver)).status).toBe(403);
    // Within the clock-skew allowance: served, but cached no longer than a link lives.
    const skewed = await get(new FileLinkSigner(secret, ttl + 30).url(id, Date.now()));
    expect(skewed.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(skewed.headers.get("Cache-Control") ?? "")?.[1]);
    expect(maxAge).toBeLessThanOrEqual(ttl);
    expect(maxAge).toBeGreaterThan(ttl - 60);
  });
});

// The pieces of file handling that need no room: the synchronous HMAC against
// WebCrypto, signed links, name cleaning, type sniffing, ranges and the streaming
// checks (in workerd, with its real streams).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FILE_NAME_MAX_CHARS, sanitizeFileName } from "../src/files/file-name";
import { fileKey, storeFileStream } from "../src/files/file-objects";
import { headMatchesType, mediaType } from "../src/files/file-types";
import { HmacSha256, sha256 } from "../src/files/hmac-sha256";
import { contentDisposition, parseRange } from "../src/files/serve-file";
import { FileLinkSigner, fileLinkSigner, LINK_CLOCK_SKEW_SECONDS } from "../src/files/signed-url";
import { uploadChecker } from "../src/files/upload-stream";
import { RefusalError } from "../src/protocol/refusal";
import { binaryPng, PNG_BYTES } from "./helpers/files";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("HMAC-SHA256 (synchronous)", () => {
  it("matches the FIPS 180-4 examples", () => {
    expect(hex(sha256(new TextEncoder().encode("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(hex(sha256(new Uint8Array(0)))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("matches WebCrypto for keys and messages of every length around the block size", async () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      for (const messageLength of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
        const key = crypto.getRandomValues(new Uint8Array(keyLength));
        const message = crypto.getRandomValues(new Uint8Array(messageLength));
        // WebCrypto refuses empty HMAC keys; a zero-length key pads to 64 zero bytes, the same MAC.
        const webKey = await crypto.subtle.importKey(
          "raw",
          keyLength === 0 ? new Uint8Array(64) : key,
          { name: "HMAC", hash: "SHA-256" },
          false,
          ["sign"],
        );
        const expected = new Uint8Array(await crypto.subtle.sign("HMAC", webKey, message));
        expect(hex(new HmacSha256(key).sign(message))).toBe(hex(expected));
      }
    }
  });
});

describe("signed file links", () => {
  const signer = new FileLinkSigner("a-test-secret-that-is-long-enough-0001", 3600);
  const now = Date.UTC(2026, 11, 2, 12);
  const parts = (url: string) => {
    const u = new URL(url, "http://x");
    return {
      id: u.pathname.split("/").pop() ?? "",
      exp: u.searchParams.get("exp") ?? "",
      sig: u.searchParams.get("sig") ?? "",
    };
  };

  it("accepts its own links until they expire", () => {
    const { id, exp, sig } = parts(signer.url("f1", now));
    expect(Number(exp)).toBe(now / 1000 + 3600);
    expect(signer.check(id, exp, sig, now + 3599_000)).toBeUndefined();
    expect(signer.check(id, exp, sig, now + 3600_000)).toBe("url_expired");
  });

  it("refuses a genuine link claiming more than its lifetime plus the clock-skew allowance; caches for at most the lifetime", () => {
    const longer = new FileLinkSigner(
      "a-test-secret-that-is-long-enough-0001",
      3600 + LINK_CLOCK_SKEW_SECONDS,
    );
    const edge = parts(longer.url("f1", now));
    expect(signer.check(edge.id, edge.exp, edge.sig, now)).toBeUndefined();
    expect(signer.check(edge.id, edge.exp, edge.sig, now - 1000)).toBe("url_expired");
    const decade = parts(
      new FileLinkSigner("a-test-secret-that-is-long-enough-0001", 315_360_000).url("f1", now),
    );
    expect(signer.check(decade.id, decade.exp, decade.sig, now)).toBe("url_expired");
    expect(signer.maxAgeSeconds(Number(edge.exp), now)).toBe(3600);
    expect(signer.maxAgeSeconds(Number(edge.exp), now + 3600_000)).toBe(LINK_CLOCK_SKEW_SECONDS);
    expect(signer.maxAgeSeconds(Number(edge.exp), now + 7200_000)).toBe(0);
  });

  it("refuses altered ids, expiries and signatures, and another secret's links", () => {
    const { id, exp, sig } = parts(signer.url("f1", now));
    expect(signer.check("f2", exp, sig, now)).toBe("invalid_signature");
    expect(signer.check(id, String(Number(exp) + 1), sig, now)).toBe("invalid_signature");
    expect(signer.check(id, exp, `${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`, now)).toBe(
      "invalid_signature",
    );
    expect(signer.check(id, exp, undefined, now)).toBe("invalid_signature");
    expect(signer.check(id, "1e9", sig, now)).toBe("invalid_signature");
    const other = new FileLinkSigner("another-secret-that-is-long-enough-0002", 3600);
    const forged = parts(other.url("f1", now));
    expect(signer.check(forged.id, forged.exp, forged.sig, now)).toBe("invalid_signature");
    // A forged link is a forgery even once its exp has passed.
    expect(signer.check(forged.id, forged.exp, forged.sig, now + 7200_000)).toBe("invalid_signature");
  });

  it("uses the dev secret locally and refuses a missing or short one", () => {
    expect(fileLinkSigner(env).url("f1", now)).toMatch(/^\/v1\/files\/f1\?exp=\d+&sig=[\w-]{43}$/);
    expect(() => fileLinkSigner({ ...env, FILE_URL_SECRET: "" })).toThrow(/FILE_URL_SECRET/);
    expect(() => fileLinkSigner({ ...env, FILE_URL_SECRET: "short" })).toThrow(/FILE_URL_SECRET/);
  });
});

describe("file names", () => {
  it("keeps only the last path segment and no leading dots", () => {
    expect(sanitizeFileName("../../etc/passwd", "text/plain")).toBe("passwd.txt");
    expect(sanitizeFileName("C:\\Users\\me\\notes.txt", "text/plain")).toBe("notes.txt");
    expect(sanitizeFileName("..", "text/plain")).toBe("file.txt");
    expect(sanitizeFileName(".htaccess", "text/plain")).toBe("htaccess.txt");
  });

  it("drops control, bidi-override and invisible characters", () => {
    expect(sanitizeFileName("a\u0000b\u0007c.txt", "text/plain")).toBe("abc.txt");
    // "photo‮gnp.exe" displays as "photoexe.png": the override goes, the real extension shows.
    expect(sanitizeFileName("photo\u202egnp.exe", "image/png")).toBe("photognp.exe.png");
    expect(sanitizeFileName("x\u200b\u2066y\ufeff.pdf", "application/pdf")).toBe("xy.pdf");
    expect(sanitizeFileName('a<b>:c"d|e?f*.txt', "text/plain")).toBe("a_b__c_d_e_f_.txt");
  });

  it("gives a name whose extension belongs to another type the right one", () => {
    expect(sanitizeFileName("page.html", "text/plain")).toBe("page.html.txt");
    expect(sanitizeFileName("cat.JPEG", "image/jpeg")).toBe("cat.JPEG");
    expect(sanitizeFileName(undefined, "image/png")).toBe("file.png");
  });

  it("caps the length, keeping the extension and whole characters", () => {
    const long = sanitizeFileName(`${"a".repeat(1000)}.pdf`, "application/pdf");
    expect(long).toHaveLength(FILE_NAME_MAX_CHARS);
    expect(long.endsWith("a.pdf")).toBe(true);
    const emoji = sanitizeFileName(`${"😀".repeat(300)}.txt`, "text/plain");
    expect(emoji.length).toBeLessThanOrEqual(FILE_NAME_MAX_CHARS);
    expect(emoji.endsWith(".txt")).toBe(true);
    expect(emoji.isWellFormed()).toBe(true);
  });
});

describe("type sniffing", () => {
  const text = (s: string) => new TextEncoder().encode(s);

  it("accepts files whose first bytes fit the declared type", () => {
    expect(headMatchesType("image/png", PNG_BYTES, true)).toBe(true);
    expect(headMatchesType("application/pdf", text("%PDF-1.7\n"), true)).toBe(true);
    expect(headMatchesType("image/gif", text("GIF89a...."), true)).toBe(true);
    expect(headMatchesType("image/webp", text("RIFF\u0001\u0002\u0003\u0004WEBPVP8 "), true)).toBe(true);
    expect(headMatchesType("application/zip", new Uint8Array([0x50, 0x4b, 3, 4, 0]), true)).toBe(true);
    expect(headMatchesType("text/plain", text("héllo wörld"), true)).toBe(true);
  });

  it("refuses first bytes that contradict the declared type", () => {
    expect(headMatchesType("image/png", text("<html><script>alert(1)</script>"), true)).toBe(false);
    expect(headMatchesType("image/jpeg", PNG_BYTES, true)).toBe(false);
    expect(headMatchesType("text/plain", PNG_BYTES, true)).toBe(false);
    expect(headMatchesType("text/plain", new Uint8Array([0x68, 0xff, 0xfe, 0x69]), true)).toBe(false);
  });

  it("allows a UTF-8 character cut by the sniff window, but not at the end of the file", () => {
    const cut = text("ab€").subarray(0, 4);
    expect(headMatchesType("text/plain", cut, false)).toBe(true);
    expect(headMatchesType("text/plain", cut, true)).toBe(false);
  });

  it("reads the media type of a Content-Type", () => {
    expect(mediaType("Text/Plain; charset=utf-8")).toBe("text/plain");
    expect(mediaType("")).toBe("");
  });
});

describe("ranges and disposition", () => {
  it("parses single byte ranges against the size", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ offset: 0, length: 100 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ offset: 900, length: 100 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ offset: 900, length: 100 });
    expect(parseRange("bytes=990-2000", 1000)).toEqual({ offset: 990, length: 10 });
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=5-1", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,5-6", 1000)).toBeUndefined();
    expect(parseRange("items=0-1", 1000)).toBeUndefined();
    expect(parseRange(null, 1000)).toBeUndefined();
  });

  it("serves raster images inline and everything else, SVG and HTML included, as attachments", () => {
    expect(contentDisposition("a.png", "image/png")).toMatch(/^inline; /);
    for (const type of ["image/svg+xml", "text/html", "text/plain", "application/pdf"]) {
      expect(contentDisposition("a", type)).toMatch(/^attachment; /);
    }
    expect(contentDisposition('résumé "x".pdf', "application/pdf")).toBe(
      `attachment; filename="r_sum_ _x_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf`,
    );
  });
});

describe("the streaming checks", () => {
  /** The chunks through the checker, as the upload path feeds it: the bytes it let through, or its refusal. */
  function run(chunks: Uint8Array[], length: number, type: string): Uint8Array | RefusalError {
    const check = uploadChecker({ length, type });
    const out: number[] = [];
    try {
      for (const chunk of chunks) {
        check.chunk(chunk);
        out.push(...chunk);
      }
      check.end();
      return new Uint8Array(out);
    } catch (err) {
      if (err instanceof RefusalError) return err;
      throw err;
    }
  }

  it("passes the bytes through unchanged", async () => {
    const half = PNG_BYTES.length >> 1;
    const out = run(
      [PNG_BYTES.subarray(0, 3), PNG_BYTES.subarray(3, half), PNG_BYTES.subarray(half)],
      PNG_BYTES.length,
      "image/png",
    );
    expect(out).toEqual(PNG_BYTES);
  });

  it("cuts off a body longer than declared at the first byte too many", async () => {
    const out = run([PNG_BYTES, new Uint8Array(10)], PNG_BYTES.length, "image/png");
    expect(out).toBeInstanceOf(RefusalError);
    expect((out as RefusalError).refusal).toMatchObject({ status: 413, code: "file_too_large" });
  });

  it("refuses a body shorter than declared", async () => {
    const out = run([PNG_BYTES], PNG_BYTES.length + 5, "image/png");
    expect((out as RefusalError).refusal).toMatchObject({ status: 400, code: "length_mismatch" });
  });

  it("refuses first bytes of another type, even split across chunks", async () => {
    const html = new TextEncoder().encode("<!doctype html><script>alert(1)</script>");
    const out = run([html.subarray(0, 2), html.subarray(2)], html.length, "image/png");
    expect((out as RefusalError).refusal).toMatchObject({ status: 415, code: "unsupported_type" });
  });
});

describe("a body that breaks off (the client is gone)", () => {
  /** A body of `sent` bytes whose next read fails, as workerd's does when the connection is lost. */
  function brokenBody(sent: number): ReadableStream<Uint8Array> {
    let pulls = 0;
    return new ReadableStream({
      pull(controller) {
        // An error in the same pull would drop the queued bytes unread.
        if (pulls++ === 0) controller.enqueue(binaryPng(sent));
        else controller.error(new Error("Network connection lost."));
      },
    });
  }

  it("is 400 length_mismatch, before and after the first bytes were sniffed, and nothing is kept", async () => {
    // 100 bytes: broken off while the head is read; 5000: while the bytes stream
    // into R2 (the local R2 simulator then prints an "uncaught exception …
    // Network connection lost" of its own for the aborted put: expected).
    for (const sent of [100, 5000]) {
      const id = crypto.randomUUID();
      const meta = { name: "a.png", type: "image/png", room: "r", from: "u" };
      const out = await storeFileStream(
        env.FILES,
        id,
        brokenBody(sent),
        { length: 20_000, type: "image/png" },
        meta,
      ).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(out).toBeInstanceOf(RefusalError);
      expect((out as RefusalError).refusal).toMatchObject({
        status: 400,
        code: "length_mismatch",
        message: `the body ended after ${sent} of 20000 bytes`,
      });
      expect(await env.FILES.head(fileKey(id))).toBeNull();
    }
  });
});

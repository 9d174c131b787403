// POST /v1/rooms/:room/files through the worker, the room and R2 (the local
// simulation): round trip, history, cid retries, and every refusal of an upload.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { binaryPng, PNG_BYTES } from "./helpers/files";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { bytesStream, download, shareFile, storedKeys, uploadFile } from "./helpers/uploads";
import { openRoom } from "./helpers/workerd-socket";

async function refusal(res: Response): Promise<{ status: number; error: string }> {
  const body = (await res.json()) as { error: string; message: string };
  expect(typeof body.message).toBe("string");
  return { status: res.status, error: body.error };
}

describe("upload and download", () => {
  it("stores a binary file byte for byte, broadcasts file_share with a seq and lists it in history", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice", name: "Alice" });
    const bob = await openRoom(room, { sub: "bob" });
    alice.send({ type: "room_message", content: "look" });
    await alice.frames.next("ack");
    const bytes = binaryPng(300_000);
    const res = await uploadFile(room, bytes, { sub: "alice", name: "cat.png", cid: "up-1" });
    expect(res.status).toBe(201);
    const share = (await res.json()) as Awaited<ReturnType<typeof shareFile>>;
    expect(share).toMatchObject({
      type: "file_share",
      seq: 2,
      room,
      from: { id: "alice" },
      cid: "up-1",
      file: { name: "cat.png", size: 300_000, type: "image/png" },
    });
    expect(share.file.url).toMatch(new RegExp(`^/v1/files/${share.file.id}\\?exp=\\d+&sig=[\\w-]+$`));
    const atBob = await bob.frames.next("file_share");
    expect(atBob).toMatchObject({ id: share.id, seq: 2, file: { id: share.file.id } });

    const got = await download(atBob.file.url);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);

    bob.send({ type: "history" });
    const page = await bob.frames.next("history");
    expect(page.messages.map((m) => m.type)).toEqual(["room_message", "file_share"]);
    const late = await openRoom(room, { sub: "carol" });
    expect(late.welcome.history[1]).toMatchObject({ type: "file_share", file: { id: share.file.id } });

    const http = await download(`/v1/rooms/${room}/messages`, {
      Authorization: `Bearer ${await signTestToken()}`,
    });
    const body = (await http.json()) as { messages: { type: string; file?: { url: string } }[] };
    expect(body.messages[1]?.file?.url).toMatch(/^\/v1\/files\//);
  });

  it("answers a retried cid with the original share, storing and broadcasting nothing new", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const first = await shareFile(room, PNG_BYTES, { sub: "alice", cid: "same" });
    await alice.frames.next("file_share");
    const again = await uploadFile(room, PNG_BYTES, { sub: "alice", cid: "same" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, seq: first.seq, file: { id: first.file.id } });
    expect(await storedKeys(room)).toHaveLength(1);
    alice.send({ type: "history" });
    expect((await alice.frames.next("history")).messages).toHaveLength(1);
    expect(alice.frames.pending("file_share")).toEqual([]);
    // A cid already used for a message is not a file.
    alice.send({ type: "room_message", content: "hi", cid: "msg-1" });
    await alice.frames.next("ack");
    expect(await refusal(await uploadFile(room, PNG_BYTES, { sub: "alice", cid: "msg-1" }))).toEqual({
      status: 400,
      error: "invalid_query",
    });
  });

  it("cleans file names: no paths, no control or bidi characters, capped length", async () => {
    const room = freshRoom();
    const text = new TextEncoder().encode("just text");
    const names = {
      "../../etc/passwd": "passwd.txt",
      "a\u0000b.txt": "ab.txt",
      "invoice\u202Etxt.exe": "invoicetxt.exe.txt",
      "page.html": "page.html.txt",
    };
    for (const [raw, clean] of Object.entries(names)) {
      const share = await shareFile(room, text, { type: "text/plain", name: raw });
      expect(share.file.name).toBe(clean);
    }
    const long = await shareFile(room, text, { type: "text/plain", name: `${"x".repeat(1000)}.txt` });
    expect(long.file.name).toHaveLength(200);
    const res = await uploadFile(room, text, { type: "text/plain", rawName: "bad%E0%A4%A" });
    expect(await refusal(res)).toEqual({ status: 400, error: "invalid_file_name" });
  });
});

describe("upload refusals", () => {
  it("411 without Content-Length, 413 when the declared length is over MAX_FILE_BYTES", async () => {
    const room = freshRoom();
    const noLength = await uploadFile(room, PNG_BYTES, { length: null, stream: bytesStream(PNG_BYTES) });
    expect(await refusal(noLength)).toEqual({ status: 411, error: "length_required" });
    const huge = await uploadFile(room, PNG_BYTES, {
      length: 10 * 1024 * 1024 + 1,
      stream: bytesStream(PNG_BYTES),
    });
    expect(await refusal(huge)).toEqual({ status: 413, error: "file_too_large" });
    expect(await storedKeys(room)).toEqual([]);
  });

  it("413 for any declared length over MAX_FILE_BYTES however many digits; 400 for one that is not a byte count", async () => {
    const room = freshRoom();
    const declare = (value: string) =>
      uploadFile(room, PNG_BYTES, {
        length: null,
        headers: { "Content-Length": value },
        stream: bytesStream(PNG_BYTES),
      });
    for (const value of ["10485761", "1000000000000000", "99999999999999999999", "9".repeat(400)]) {
      expect({ value, ...(await refusal(await declare(value))) }).toEqual({
        value,
        status: 413,
        error: "file_too_large",
      });
    }
    for (const value of ["-5", "abc", "1e3", "12.5", "0x44"]) {
      expect({ value, ...(await refusal(await declare(value))) }).toEqual({
        value,
        status: 400,
        error: "length_mismatch",
      });
    }
    expect(await storedKeys(room)).toEqual([]);
  });

  it("413 and nothing kept when the body is longer than its Content-Length (a lying client)", async () => {
    const room = freshRoom();
    // Declares 1 KiB, sends 12 MiB: cut off at byte 1,025, far below MAX_FILE_BYTES.
    const big = binaryPng(12 * 1024 * 1024);
    const res = await uploadFile(room, big, { length: 1024, stream: bytesStream(big) });
    expect(await refusal(res)).toEqual({ status: 413, error: "file_too_large" });
    expect(await storedKeys(room)).toEqual([]);
    const alice = await openRoom(room, { sub: "alice" });
    expect(alice.welcome.seq).toBe(0);
  });

  it("400 and nothing kept when the body is shorter than its Content-Length", async () => {
    const room = freshRoom();
    const res = await uploadFile(room, PNG_BYTES, {
      length: PNG_BYTES.length + 100,
      stream: bytesStream(PNG_BYTES),
    });
    expect(await refusal(res)).toEqual({ status: 400, error: "length_mismatch" });
    expect(await storedKeys(room)).toEqual([]);
  });

  it("415 for a type outside the allowlist, and for first bytes that contradict the type", async () => {
    const room = freshRoom();
    const html = new TextEncoder().encode("<!doctype html><script>alert(document.domain)</script>");
    for (const type of ["text/html", "image/svg+xml", "application/octet-stream", ""]) {
      expect(await refusal(await uploadFile(room, html, { type }))).toEqual({
        status: 415,
        error: "unsupported_type",
      });
    }
    expect(await refusal(await uploadFile(room, html, { type: "image/png" }))).toEqual({
      status: 415,
      error: "unsupported_type",
    });
    expect(await refusal(await uploadFile(room, PNG_BYTES, { type: "application/pdf" }))).toEqual({
      status: 415,
      error: "unsupported_type",
    });
    expect(await storedKeys(room)).toEqual([]);
  });

  it("applies the room's auth, origin and permission rules", async () => {
    const room = freshRoom();
    expect(await refusal(await uploadFile(room, PNG_BYTES, { token: "nope" }))).toEqual({
      status: 401,
      error: "token_invalid",
    });
    const foreign = await uploadFile(room, PNG_BYTES, { headers: { Origin: "https://evil.example" } });
    expect(await refusal(foreign)).toEqual({ status: 403, error: "origin_not_allowed" });
    const elsewhere = await uploadFile(room, PNG_BYTES, { token: await signTestToken({ rooms: ["other"] }) });
    expect(await refusal(elsewhere)).toEqual({ status: 403, error: "room_forbidden" });
    expect(await refusal(await uploadFile("bad.room", PNG_BYTES))).toEqual({
      status: 400,
      error: "invalid_room",
    });
    expect(await refusal(await uploadFile(room, PNG_BYTES, { query: "?cid=" }))).toEqual({
      status: 400,
      error: "invalid_query",
    });
    expect(await refusal(await uploadFile(room, PNG_BYTES, { query: "?cid=a&x=1" }))).toEqual({
      status: 400,
      error: "invalid_query",
    });
  });

  it("403 banned for a user banned from the room, with the ban's until; nothing stored; admins are above bans", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    mod.send({ type: "ban", userId: "bob", durationMs: 60_000, cid: "b1" });
    const ban = await mod.frames.next("moderation");
    const res = await uploadFile(room, PNG_BYTES, { sub: "bob" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: "banned",
      message: expect.stringContaining("banned"),
      until: ban.until,
    });
    expect(await storedKeys(room)).toEqual([]);
    expect(mod.frames.pending("file_share")).toEqual([]);
    // Someone else, and an admin named bob, still upload.
    await shareFile(room, PNG_BYTES, { sub: "carol" });
    const admin = await uploadFile(room, PNG_BYTES, {
      token: await signTestToken({ sub: "bob", role: "admin" }),
    });
    expect(admin.status).toBe(201);
    expect(await storedKeys(room)).toHaveLength(2);
  });

  it("429 with Retry-After past UPLOADS_PER_MINUTE uploads per user", async () => {
    const room = freshRoom();
    const limit = Number(env.UPLOADS_PER_MINUTE);
    for (let i = 0; i < limit; i++) await shareFile(room, PNG_BYTES, { sub: "eager" });
    const res = await uploadFile(room, PNG_BYTES, { sub: "eager" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: "rate_limited", retryAfterMs: expect.any(Number) });
    // Another user in the same room is not limited.
    await shareFile(room, PNG_BYTES, { sub: "calm" });
    expect(await storedKeys(room)).toHaveLength(limit + 1);
  });
});

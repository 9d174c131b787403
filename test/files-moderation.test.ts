// Mutes and slow mode cover files as they cover messages, by both roads (an
// HTTP upload, an in-frame file_share): a muted user's file is refused 403
// forbidden (reason "muted", until) before a byte is stored, and again if the
// mute came while the bytes streamed (the object then deleted); slow mode counts
// files and messages alike. Moderators are above slow mode, admins above both.
import { describe, expect, it } from "vitest";
import { binaryPng, PNG_BYTES } from "./helpers/files";
import { moderatedRoom } from "./helpers/moderated-room";
import { signTestToken } from "./helpers/tokens";
import { storedKeys, uploadFile } from "./helpers/uploads";
import { openRoom, roundTrip, type TestSocket } from "./helpers/workerd-socket";

const base64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

function sendFileFrame(socket: TestSocket, cid: string): void {
  socket.send({
    type: "file_share",
    fileName: "dot.png",
    fileType: "image/png",
    fileData: base64(PNG_BYTES),
    cid,
  });
}

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe("a muted user's files", () => {
  it("are refused by both roads with forbidden, reason muted and until; nothing stored or broadcast", async () => {
    const { room, mod, bob } = await moderatedRoom();
    mod.send({ type: "mute", userId: "bob", durationMs: 600_000 });
    const mute = await bob.frames.next("moderation");
    const upload = await uploadFile(room, PNG_BYTES, { sub: "bob" });
    expect(upload.status).toBe(403);
    expect(await body(upload)).toEqual({
      error: "forbidden",
      message: expect.stringContaining("muted"),
      reason: "muted",
      until: mute.until,
    });
    sendFileFrame(bob, "f1");
    expect(await bob.frames.next("error")).toMatchObject({
      code: "forbidden",
      ref: "f1",
      reason: "muted",
      until: mute.until,
    });
    expect(await storedKeys(room)).toEqual([]);
    await roundTrip(mod);
    expect(mod.frames.pending("file_share")).toEqual([]);
    // A permanent mute says so with until: null.
    mod.send({ type: "mute", userId: "bob" });
    await bob.frames.next("moderation");
    expect(await body(await uploadFile(room, PNG_BYTES, { sub: "bob" }))).toMatchObject({
      reason: "muted",
      until: null,
    });
    // The moderator, and an admin named bob, still share files.
    expect((await uploadFile(room, PNG_BYTES, { sub: "mod", token: await modToken() })).status).toBe(201);
    const admin = await uploadFile(room, PNG_BYTES, {
      token: await signTestToken({ sub: "bob", role: "admin" }),
    });
    expect(admin.status).toBe(201);
    mod.send({ type: "unmute", userId: "bob" });
    await bob.frames.next("moderation");
    expect((await uploadFile(room, PNG_BYTES, { sub: "bob" })).status).toBe(201);
    expect(await storedKeys(room)).toHaveLength(3);
  });

  it("muted while the bytes stream: refused once they are in, and the object deleted", async () => {
    const { room, mod, bob } = await moderatedRoom();
    const bytes = binaryPng(40_000);
    let reading: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let pulls = 0;
    // The worker reads the body only once the room admitted the upload: the
    // first pull says so; the rest waits until the mute is in.
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulls += 1;
        if (pulls === 1) {
          reading();
          controller.enqueue(bytes.slice(0, 20_000));
          return;
        }
        await released;
        controller.enqueue(bytes.slice(20_000));
        controller.close();
      },
    });
    const pending = uploadFile(room, bytes, { sub: "bob", length: bytes.length, stream });
    await started;
    mod.send({ type: "mute", userId: "bob", durationMs: 600_000 });
    await bob.frames.next("moderation");
    release();
    const res = await pending;
    expect(res.status).toBe(403);
    expect(await body(res)).toMatchObject({ error: "forbidden", reason: "muted" });
    expect(await storedKeys(room)).toEqual([]);
    await roundTrip(mod);
    expect(mod.frames.pending("file_share")).toEqual([]);
  });
});

describe("slow mode and files", () => {
  it("counts files and messages alike, by both roads; retries of a stored file still answer; moderators are above it", async () => {
    const { room, mod, bob } = await moderatedRoom();
    mod.send({ type: "slow_mode", intervalMs: 60_000 });
    await bob.frames.next("moderation");
    bob.send({ type: "room_message", content: "one", cid: "m1" });
    await bob.frames.next("ack");

    // Right after a message: the upload waits like a second message would.
    const upload = await uploadFile(room, PNG_BYTES, { sub: "bob" });
    expect(upload.status).toBe(429);
    const refused = await body(upload);
    expect(refused).toMatchObject({ error: "rate_limited", message: expect.stringContaining("slow mode") });
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(upload.headers.get("Retry-After"))).toBe(Math.ceil(Number(refused.retryAfterMs) / 1000));
    sendFileFrame(bob, "f1");
    const frameRefusal = await bob.frames.next("error");
    expect(frameRefusal).toMatchObject({ code: "rate_limited", ref: "f1" });
    expect(frameRefusal.retryAfterMs).toBeGreaterThan(50_000);
    expect(await storedKeys(room)).toEqual([]);

    // A file is a post too: after carol's upload, her message waits.
    const carol = await openRoom(room, { sub: "carol" });
    expect((await uploadFile(room, PNG_BYTES, { sub: "carol", cid: "c1" })).status).toBe(201);
    carol.send({ type: "room_message", content: "and a word", cid: "c2" });
    expect(await carol.frames.next("error")).toMatchObject({ code: "rate_limited", ref: "c2" });
    // Her retry of the stored upload (its answer lost) gets the original, not a refusal.
    expect((await uploadFile(room, PNG_BYTES, { sub: "carol", cid: "c1" })).status).toBe(200);

    // Moderators are above slow mode.
    expect((await uploadFile(room, PNG_BYTES, { sub: "mod", token: await modToken() })).status).toBe(201);
    sendFileFrame(mod, "mf");
    await mod.frames.next("ack");
    expect(await storedKeys(room)).toHaveLength(3);
  });
});

function modToken(): Promise<string> {
  return signTestToken({ sub: "mod", name: "Mo", role: "moderator" });
}

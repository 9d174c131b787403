// Files as room entries: the seed's base64 file_share frame, and a file's
// lifetime following its message (trimmed out of history → object deleted),
// also after the room was evicted from memory.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RoomMessageFrame } from "../src/protocol/frames";
import { binaryPng, PNG_BYTES } from "./helpers/files";
import { roomContextOf } from "./helpers/inside";
import { freshRoom } from "./helpers/tokens";
import { download, shareFile, storedKeys } from "./helpers/uploads";
import { openRoom } from "./helpers/workerd-socket";

const base64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

/** Polls `check` until it holds (R2 deletes run after the frame that caused them). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("file_share frames (the seed's in-frame base64)", () => {
  it("stores, acks and broadcasts a file sent in a frame, like an upload", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    const bytes = binaryPng(30_000);
    alice.send({
      type: "file_share",
      fileName: "tiny.png",
      fileType: "image/png",
      fileSize: bytes.length,
      fileData: base64(bytes),
      room,
      timestamp: new Date().toISOString(),
      cid: "f1",
    });
    const ack = await alice.frames.next("ack");
    expect(ack).toMatchObject({ cid: "f1", seq: 1 });
    const own = await alice.frames.next("file_share");
    const share = await bob.frames.next("file_share");
    expect(share).toEqual(own);
    expect(share).toMatchObject({ id: ack.id, seq: 1, cid: "f1", file: { name: "tiny.png", size: 30_000 } });
    const got = await download(share.file.url);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);

    alice.send({
      type: "file_share",
      fileName: "tiny.png",
      fileType: "image/png",
      fileData: base64(bytes),
      cid: "f1",
    });
    expect(await alice.frames.next("ack")).toEqual(ack);
    expect(await storedKeys(room)).toHaveLength(1);
  });

  it("refuses bad base64, a data: URL, a wrong size or room, and a refused or mismatched type", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const png = base64(PNG_BYTES);
    const bad = [
      { fileData: "not base64!" },
      { fileData: "abc" },
      { fileData: `data:image/png;base64,${png}` },
      { fileSize: PNG_BYTES.length + 1 },
      { room: "another-room" },
      { fileType: "text/html" },
      { fileType: "image/gif" },
      { timestamp: "not a time" },
    ];
    for (const [i, change] of bad.entries()) {
      alice.send({
        type: "file_share",
        fileName: "a.png",
        fileType: "image/png",
        fileData: png,
        cid: `b${i}`,
        ...change,
      });
      expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: `b${i}` });
    }
    alice.send({ type: "file_share", fileName: "a.png", fileType: "image/png" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message" });
    expect(await storedKeys(room)).toEqual([]);
    alice.send({ type: "history" });
    expect((await alice.frames.next("history")).messages).toEqual([]);
  });
});

describe("a file lives as long as its message", () => {
  /** Appends `n` messages inside the room (quicker than sending them through the rate limit). */
  async function appendMessages(room: string, n: number): Promise<void> {
    await runInDurableObject(env.ROOM.getByName(room), (instance) => {
      for (let i = 0; i < n; i++) {
        roomContextOf(instance).append(
          { userId: "filler" },
          Date.now(),
          (seq, timestamp) =>
            ({
              type: "room_message",
              id: crypto.randomUUID(),
              seq,
              timestamp,
              room,
              from: { id: "filler", name: "filler" },
              content: `m${seq}`,
            }) satisfies RoomMessageFrame,
        );
      }
    });
  }

  it("deletes the object once the message is trimmed out of history, even after an eviction", async () => {
    const room = freshRoom();
    const first = await shareFile(room, PNG_BYTES, { name: "first.png" });
    const second = await shareFile(room, PNG_BYTES, { name: "second.png" });
    expect(await storedKeys(room)).toHaveLength(2);
    const limit = Number(env.HISTORY_LIMIT);
    await evictDurableObject(env.ROOM.getByName(room));
    // One more than the limit after the first file: only the first is trimmed.
    await appendMessages(room, limit - 1);
    await eventually(async () => (await storedKeys(room)).length === 1, "the first file's object to go");
    expect((await download(first.file.url)).status).toBe(404);
    const kept = await download(second.file.url);
    expect(kept.status).toBe(200);
    await kept.arrayBuffer();
    await appendMessages(room, 1);
    await eventually(async () => (await storedKeys(room)).length === 0, "the second file's object to go");
  });

  it("deletes the object of a file whose message is deleted (the hook message deletion calls)", async () => {
    const room = freshRoom();
    const gone = await shareFile(room, PNG_BYTES, { name: "gone.png" });
    const kept = await shareFile(room, PNG_BYTES, { name: "kept.png" });
    await runInDurableObject(env.ROOM.getByName(room), (instance) =>
      roomContextOf(instance).files.deleted(gone.seq),
    );
    await eventually(async () => (await storedKeys(room)).length === 1, "the deleted message's object to go");
    expect((await download(gone.file.url)).status).toBe(404);
    const still = await download(kept.file.url);
    expect(still.status).toBe(200);
    await still.arrayBuffer();
  });
});

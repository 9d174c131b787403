// Files against the whole worker over real TCP: a 10 MiB binary upload and its
// download (whole and in ranges), the room quota (answered after the body is
// drained, so an HTTP/1.1 client still sending reads the 413), and a reconnecting
// client resuming into a file_share it missed. (A body longer than its
// Content-Length is refused in test/files-upload.test.ts, where the request can
// lie without the local HTTP front end refusing the framing first.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileShareFrame } from "../../src/protocol/frames";
import { binaryPng } from "../helpers/files";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, type RunningWorker, startWorker } from "./worker-harness";

const MIB = 1024 * 1024;
let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ ROOM_FILE_QUOTA_BYTES: String(11 * MIB) });
});
afterAll(async () => {
  await worker?.close();
});

async function upload(room: string, bytes: Uint8Array, sub = "alice", type = "image/png"): Promise<Response> {
  return fetch(new URL(`/v1/rooms/${room}/files`, worker.url), {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await signTestToken({ sub })}`,
      "Content-Type": type,
      "X-File-Name": encodeURIComponent("big picture.png"),
    },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

describe("files over TCP", () => {
  it("uploads 10 MiB of binary and downloads it byte for byte, whole and in ranges", async () => {
    const room = freshRoom();
    const bytes = binaryPng(10 * MIB);
    const res = await upload(room, bytes);
    expect(res.status).toBe(201);
    const share = (await res.json()) as FileShareFrame;
    expect(share.file).toMatchObject({ size: 10 * MIB, name: "big picture.png" });
    const url = new URL(share.file.url, worker.url);
    const whole = await fetch(url);
    expect(whole.headers.get("Content-Length")).toBe(String(10 * MIB));
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    const part = await fetch(url, { headers: { Range: `bytes=${5 * MIB}-${5 * MIB + 99}` } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(5 * MIB, 5 * MIB + 100));
    const etag = whole.headers.get("ETag") ?? "";
    expect((await fetch(url, { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("413 quota_exceeded once a room's files would pass ROOM_FILE_QUOTA_BYTES", async () => {
    const room = freshRoom();
    expect((await upload(room, binaryPng(6 * MIB))).status).toBe(201);
    const over = await upload(room, binaryPng(6 * MIB), "bob");
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: "quota_exceeded" });
    // Another room has a quota of its own.
    expect((await upload(freshRoom(), binaryPng(6 * MIB))).status).toBe(201);
  });

  it("resumes a reconnecting client with the file_share it missed", async () => {
    const room = freshRoom();
    const bob = await joinRoom(worker, room, await signTestToken({ sub: "bob" }));
    bob.send({ type: "room_message", content: "before" });
    const seen = await bob.frames.next("ack");
    bob.ws.close();
    const res = await upload(room, binaryPng(50_000));
    const share = (await res.json()) as FileShareFrame;
    const again = await joinRoom(worker, room, await signTestToken({ sub: "bob" }), `?since=${seen.seq}`);
    expect(again.welcome.resumed).toBe(true);
    expect(again.welcome.history).toEqual([
      expect.objectContaining({ type: "file_share", id: share.id, seq: seen.seq + 1 }),
    ]);
    const link = (again.welcome.history[0] as FileShareFrame).file.url;
    const got = await fetch(new URL(link, worker.url));
    expect(got.status).toBe(200);
    await got.arrayBuffer();
    again.ws.close();
  });
});

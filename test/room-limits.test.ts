// Bad input at the room's boundary: each gets the documented error frame, the
// socket stays open, and stored history is unchanged.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConnectionAttachment } from "../src/room/attachment";
import { contentOf } from "./helpers/files";
import { freshRoom } from "./helpers/tokens";
import { openRoom, roundTrip, type TestSocket } from "./helpers/workerd-socket";

async function storedContents(socket: TestSocket): Promise<string[]> {
  socket.send({ type: "history", limit: 100 });
  return (await socket.frames.next("history")).messages.map(contentOf);
}

describe("frame validation", () => {
  it("refuses each kind of bad frame with its code and keeps history intact", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "kept" });
    await alice.frames.next("ack");
    await alice.frames.next("room_message");

    const cases: [string | ArrayBuffer, string, string?][] = [
      ["{not json", "invalid_json"],
      ["[]", "invalid_message"],
      ['"room_message"', "invalid_message"],
      [JSON.stringify({ type: "shout", content: "x" }), "invalid_message"],
      [JSON.stringify({ type: "room_message", content: 42, cid: "c-type" }), "invalid_message", "c-type"],
      [JSON.stringify({ type: "room_message", content: "" }), "invalid_message"],
      [
        JSON.stringify({ type: "room_message", content: "x".repeat(10_001), cid: "c-long" }),
        "invalid_message",
        "c-long",
      ],
      [JSON.stringify({ type: "room_message", content: "x", cid: "c".repeat(65) }), "invalid_message"],
      [JSON.stringify({ type: "room_message", content: "x", extra: true }), "invalid_message"],
      [
        JSON.stringify({ type: "room_message", content: "x", room: "elsewhere", cid: "c-room" }),
        "invalid_message",
        "c-room",
      ],
      [JSON.stringify({ type: "typing_indicator", isTyping: "yes" }), "invalid_message"],
      [JSON.stringify({ type: "history", limit: 101 }), "invalid_message"],
      [new Uint8Array([1, 2, 3]).buffer, "invalid_message"],
      // 21,846 three-byte characters: under 65,536 UTF-16 units, over 65,536 UTF-8 bytes.
      [JSON.stringify({ type: "room_message", content: "€".repeat(21_846) }), "too_large"],
      ["x".repeat(70_000), "too_large"],
      [new Uint8Array(70_000).buffer, "too_large"],
    ];
    for (const [frame, code, ref] of cases) {
      alice.ws.send(frame);
      const error = await alice.frames.next("error");
      expect({ code: error.code, ref: error.ref }, String(frame).slice(0, 60)).toEqual({ code, ref });
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(await storedContents(alice)).toEqual(["kept"]);
    expect(alice.frames.pending("room_message")).toEqual([]);
  });

  it("accepts content of exactly MAX_CONTENT_CHARS, counted in UTF-16 units", async () => {
    const alice = await openRoom(freshRoom(), { sub: "alice" });
    alice.send({ type: "room_message", content: "😀".repeat(5_000) });
    expect((await alice.frames.next("ack")).seq).toBe(1);
    // 5,001 emoji are 5,001 code points but 10,002 UTF-16 units: too long.
    alice.send({ type: "room_message", content: "😀".repeat(5_001), cid: "emoji" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "emoji" });
    // The cid is counted the same way: 33 emoji are 66 units, over 64.
    alice.send({ type: "room_message", content: "x", cid: "😀".repeat(33) });
    expect((await alice.frames.next("error")).code).toBe("invalid_message");
  });

  it("echoes a history request's ref on its answer and on its refusal", async () => {
    const alice = await openRoom(freshRoom(), { sub: "alice" });
    alice.send({ type: "room_message", content: "one" });
    await alice.frames.next("ack");
    // Refusals carry the ref, so a client fails that request at once.
    const bad: [object, string][] = [
      [{ type: "history", limit: 0, ref: "h-zero" }, "h-zero"],
      [{ type: "history", limit: 101, ref: "h-big" }, "h-big"],
      [{ type: "history", before: 5, after: 1, ref: "h-both" }, "h-both"],
    ];
    for (const [frame, ref] of bad) {
      alice.send(frame);
      expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref });
    }
    // Two requests at once: each answer names its request.
    alice.send({ type: "history", before: 2, ref: "h-a" });
    alice.send({ type: "history", after: 1, ref: "h-b" });
    const answers = [await alice.frames.next("history"), await alice.frames.next("history")];
    expect(answers.map((a) => [a.ref, a.messages.map(contentOf)])).toEqual([
      ["h-a", ["one"]],
      ["h-b", []],
    ]);
    // Without a ref, the answer has none (as before).
    alice.send({ type: "history" });
    expect((await alice.frames.next("history")).ref).toBeUndefined();
    // A ref is a cid: 1-64 UTF-16 units.
    alice.send({ type: "history", ref: "r".repeat(65) });
    expect((await alice.frames.next("error")).code).toBe("invalid_message");
  });

  it("answers a ping that is not byte-for-byte the heartbeat text", async () => {
    const alice = await openRoom(freshRoom(), { sub: "alice" });
    alice.send('{"type":"ping"}');
    await alice.frames.next("pong");
    alice.send('{ "type" : "ping" }');
    await alice.frames.next("pong");
  });

  it("refuses a private message to yourself on a room socket (the inbox's refusal comes back)", async () => {
    const alice = await openRoom(freshRoom(), { sub: "alice" });
    alice.send({ type: "private_message", to: "alice", content: "psst", cid: "pm1" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "pm1" });
    alice.send({ type: "private_message", to: "", content: "psst", cid: "pm2" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "pm2" });
  });
});

describe("token expiry", () => {
  it("closes with 4001 on the first frame after the token expired", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const bob = await openRoom(room, { sub: "bob" });
    await runInDurableObject(env.ROOM.getByName(room), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const att = ws.deserializeAttachment() as ConnectionAttachment;
        if (att.user.id === "alice")
          ws.serializeAttachment({ ...att, exp: Math.floor(Date.now() / 1000) - 1 });
      }
    });
    alice.send({ type: "room_message", content: "too late" });
    expect((await alice.frames.closed()).code).toBe(4001);
    expect(await bob.frames.next("user_left")).toMatchObject({ user: { id: "alice" } });
    await roundTrip(bob);
    bob.send({ type: "history" });
    expect((await bob.frames.next("history")).messages).toEqual([]);
  });
});

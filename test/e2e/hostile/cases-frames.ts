/**
 * Hostile frames and schemas on an open socket: each gets an `error` frame with
 * a stable code, the socket stays usable, and nothing is stored.
 */
import { expect } from "vitest";
import { freshIp } from "../../helpers/guard-client";
import { serverCloseCode } from "../worker-harness";
import type { HostileCase } from "./world";

/** A frame that must be answered `error <code>` while the socket stays open and usable. */
function refusedFrame(
  name: string,
  frame: string | object | (() => string | object | Buffer),
  code: string,
): HostileCase {
  return {
    group: "frames",
    name,
    async run(w) {
      const p = await w.join();
      const raw = typeof frame === "function" ? frame() : frame;
      if (Buffer.isBuffer(raw)) p.ws.send(raw);
      else p.send(raw);
      expect((await p.frames.next("error")).code).toBe(code);
      // Still served afterwards.
      expect((await p.message("after the bad frame")).type).toBe("ack");
    },
  };
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

export const frameCases: HostileCase[] = [
  refusedFrame("not JSON", "{type: room_message}", "invalid_json"),
  refusedFrame("a JSON array", "[1,2,3]", "invalid_message"),
  refusedFrame("JSON null", "null", "invalid_message"),
  refusedFrame("a bare number", "42", "invalid_message"),
  refusedFrame("an unknown type", { type: "drop_database" }, "invalid_message"),
  refusedFrame("a type that is not a string", { type: ["room_message"], content: "x" }, "invalid_message"),
  refusedFrame("room_message without content", { type: "room_message" }, "invalid_message"),
  refusedFrame("empty content", { type: "room_message", content: "" }, "invalid_message"),
  refusedFrame(
    "content that is an object",
    { type: "room_message", content: { toString: "x" } },
    "invalid_message",
  ),
  refusedFrame(
    "content of 10,001 units",
    { type: "room_message", content: "x".repeat(10_001) },
    "invalid_message",
  ),
  refusedFrame(
    "a frame over 64 KiB (MAX_MESSAGE_BYTES)",
    () => JSON.stringify({ type: "room_message", content: "y".repeat(65_600) }),
    "too_large",
  ),
  refusedFrame("a binary frame", () => Buffer.from([0xde, 0xad, 0xbe, 0xef]), "invalid_message"),
  refusedFrame(
    "a cid of 65 characters",
    { type: "room_message", content: "x", cid: "c".repeat(65) },
    "invalid_message",
  ),
  refusedFrame("a numeric cid", { type: "room_message", content: "x", cid: 7 }, "invalid_message"),
  refusedFrame(
    "an unknown extra field",
    { type: "room_message", content: "x", admin: true },
    "invalid_message",
  ),
  refusedFrame(
    "__proto__ smuggling",
    '{"type":"room_message","content":"x","__proto__":{"admin":true}}',
    "invalid_message",
  ),
  refusedFrame("JSON nested 5,000 deep", () => nested(5000), "invalid_message"),
  refusedFrame(
    "typing_indicator with a string",
    { type: "typing_indicator", isTyping: "yes" },
    "invalid_message",
  ),
  refusedFrame("history with before and after", { type: "history", before: 3, after: 1 }, "invalid_message"),
  refusedFrame("history with a negative before", { type: "history", before: -1 }, "invalid_message"),
  refusedFrame("history with limit 0", { type: "history", limit: 0 }, "invalid_message"),
  refusedFrame("history with limit 101", { type: "history", limit: 101 }, "invalid_message"),
  refusedFrame("history with a fractional limit", { type: "history", limit: 2.5 }, "invalid_message"),
  refusedFrame("history with before 1e300", { type: "history", before: 1e300 }, "invalid_message"),
  refusedFrame("a ping with extra fields", { type: "ping", payload: "x".repeat(100) }, "invalid_message"),
  refusedFrame("join_room for another room", { type: "join_room", room: "someone-elses" }, "invalid_message"),
  {
    group: "frames",
    name: "a room_message naming another room",
    async run(w) {
      const p = await w.join();
      const answer = await p.message("cross-post", { room: "another-room" });
      expect(answer).toMatchObject({ type: "error", code: "invalid_message" });
    },
  },
  {
    group: "frames",
    name: "content exactly 10,000 units is accepted",
    async run(w) {
      const p = await w.join();
      expect((await p.message("z".repeat(10_000))).type).toBe("ack");
    },
  },
  {
    group: "frames",
    name: "script injection under CONTENT_POLICY=reject",
    async run(w) {
      const refused = { type: "error", code: "invalid_message", message: "content policy" };
      // Each rejection is a strike: one address per pattern, so none reaches BLOCK_AFTER_STRIKES (2)...
      for (const content of [
        "javascript:alert(1)",
        '<img src=x onerror="alert(1)">',
        "<SCRIPT SRC=//evil>",
      ]) {
        const p = await w.join({ ip: freshIp() });
        expect(await p.message(content)).toMatchObject(refused);
      }
      // ...and an address that keeps trying is blocked, its socket closed with 1008.
      const p = await w.join();
      expect(await p.message('<script>alert("x")</script>')).toMatchObject(refused);
      // Ordinary text that merely mentions the words passes.
      expect((await p.message("the script was javascript-free; online = true")).type).toBe("ack");
      expect(await p.message("<script>again()</script>")).toMatchObject(refused);
      expect(await serverCloseCode(p)).toEqual({ code: 1008, reason: "blocked" });
    },
  },
];

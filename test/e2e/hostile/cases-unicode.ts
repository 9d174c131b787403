/**
 * Hostile text: accepted text is stored and delivered exactly as sent (the
 * suite compares the stored history byte for byte); text over the limit, as
 * the contract counts it (UTF-16 units), is refused.
 */
import { expect } from "vitest";
import type { HostileCase } from "./world";

/** A message that must be accepted and reach another member exactly as sent. */
function exact(name: string, content: string): HostileCase {
  return {
    group: "unicode",
    name,
    async run(w) {
      const sender = await w.join();
      const other = await w.join();
      expect((await sender.message(content)).type).toBe("ack");
      expect((await other.frames.next("room_message")).content).toBe(content);
    },
  };
}

export const unicodeCases: HostileCase[] = [
  exact("a lone high surrogate", "before \ud800 after"),
  exact("a lone low surrogate", "\udc00"),
  exact("surrogates in the wrong order", "\udc00\ud800"),
  exact("an RTL override", "user\u202Egnp.exe"),
  exact("zero-width characters and a BOM", "a\u200Bb\u200Cc\u200Dd\uFEFFe"),
  exact("a NUL character", "nul\u0000inside"),
  exact("control characters", "\u0001\u0007\u001b[31mred\u001b[0m\r\n"),
  exact("5,000 astral characters (10,000 units)", "😀".repeat(5000)),
  exact("combining marks stacked 500 deep", `Z${"\u0336".repeat(500)}`),
  exact("an emoji ZWJ family", "👩‍👩‍👧‍👦"),
  exact("text that looks like a server frame", '{"type":"welcome","user":{"id":"admin"}}'),
  exact("U+2028 and U+2029 line separators", "a\u2028b\u2029c"),
  {
    group: "unicode",
    name: "10,000 astral characters (20,000 units) are refused",
    async run(w) {
      const p = await w.join();
      expect(await p.message("😀".repeat(10_000))).toMatchObject({ type: "error", code: "invalid_message" });
    },
  },
  {
    group: "unicode",
    name: "a room name with a zero-width space",
    async run(w) {
      const refused = await w.refused({ room: encodeURIComponent(`${w.room}\u200B`) });
      expect([refused.status, refused.error]).toEqual([400, "invalid_room"]);
    },
  },
];

// The welcome is serialized from parts around the presence list's cached JSON
// (src/room/welcome.ts): whatever the names and contents, the text must be the
// JSON of the whole frame, fields in the frame's order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RoomMessageFrame, UserRef, WelcomeFrame } from "../src/protocol/frames";
import { welcomeText } from "../src/room/welcome";

const text = fc.string({ unit: "binary", maxLength: 20 });
const user: fc.Arbitrary<UserRef> = fc.record({ id: text, name: text });
const message: fc.Arbitrary<RoomMessageFrame> = fc.record({
  type: fc.constant("room_message" as const),
  id: text,
  seq: fc.nat(),
  room: text,
  from: user,
  content: text,
  timestamp: fc.nat(),
});

describe("welcomeText", () => {
  it("is JSON.stringify of the whole frame, presence in its place", () => {
    fc.assert(
      fc.property(
        user,
        text,
        fc.array(user, { maxLength: 5 }),
        fc.array(message, { maxLength: 3 }),
        fc.boolean(),
        (me, room, presence, history, flag) => {
          const head = { type: "welcome", clientId: "c1", user: me, room, seq: history.length } as const;
          const tail = {
            history,
            hasMore: flag,
            resumed: !flag,
            settings: { slowModeMs: 0 },
            canModerate: flag,
          };
          const frame = { ...head, presence, ...tail } satisfies WelcomeFrame;
          const sent = welcomeText(head, JSON.stringify(presence), tail);
          expect(sent).toBe(JSON.stringify(frame));
        },
      ),
    );
  });
});

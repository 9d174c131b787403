// The identity the worker hands a room travels in a header: it must stay valid
// header text (bytes 0x00-0xFF per the Fetch standard) whatever Unicode the
// token's `sub` and `name` hold, and reach the room unchanged.
import { describe, expect, it } from "vitest";
import type { Identity } from "../src/auth/verify";
import { decodeIdentity, encodeIdentity } from "../src/hibernation/forwarded-upgrade";
import { freshRoom } from "./helpers/tokens";
import { openRoom } from "./helpers/workerd-socket";

const PEOPLE = [
  { sub: "zoë-ñúñez", name: "Zoë Ñúñez" },
  { sub: "李雷", name: "韩梅梅" },
  { sub: "مستخدم", name: "مرحبا بالعالم" },
  { sub: "🦊-user", name: "Fox 🦊👩🏽‍💻" },
  { sub: "mixed\u200f", name: "שלום e\u0301 \u0000" },
];

describe("forwarded identity header", () => {
  it("is ASCII (base64url) and decodes to the same identity", () => {
    for (const { sub, name } of PEOPLE) {
      const identity: Identity = { id: sub, name, exp: 1_900_000_000, rooms: ["é-*"], role: "moderator" };
      const value = encodeIdentity(identity);
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeIdentity(value)).toEqual(identity);
    }
  });

  it("carries accented, CJK, right-to-left and emoji names and ids into the room", async () => {
    const room = freshRoom();
    const joined = [];
    for (const { sub, name } of PEOPLE) {
      const socket = await openRoom(room, { sub, name });
      expect(socket.welcome.user).toEqual({ id: sub, name });
      joined.push(socket);
    }
    const last = joined.at(-1);
    expect(last?.welcome.presence.map((u) => u.id).sort()).toEqual(PEOPLE.map((p) => p.sub).sort());
    last?.send({ type: "room_message", content: "hi", cid: "c1" });
    const message = await joined[0]?.frames.next("room_message");
    expect(message?.from).toEqual({ id: PEOPLE.at(-1)?.sub, name: PEOPLE.at(-1)?.name });
  });
});

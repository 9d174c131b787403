// Seqs in query strings (`since` on upgrades, `before`/`after` on history pages)
// are any non-negative integer up to Number.MAX_SAFE_INTEGER, whatever their
// number of digits; beyond it they are refused with 400 invalid_query.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { refusal } from "./helpers/refusal";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom, upgradeRequest } from "./helpers/workerd-socket";

const MAX = String(Number.MAX_SAFE_INTEGER); // 16 digits
const TOO_BIG = "9007199254740992";

describe("seq bounds in queries", () => {
  it("since up to MAX_SAFE_INTEGER (16 digits, or more with leading zeros) gets a fresh welcome", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    alice.send({ type: "room_message", content: "one" });
    await alice.frames.next("ack");
    for (const since of [MAX, "0000000000000000001", "1234567890123456"]) {
      const bob = await openRoom(room, { sub: `bob-${since}`, query: `since=${since}` });
      // Larger than the room's seq: treated as a reset room (fresh welcome).
      const resumed = Number(since) <= 1;
      expect(bob.welcome).toMatchObject({ seq: 1, resumed });
      bob.ws.close(1000);
    }
  });

  it("refuses since beyond MAX_SAFE_INTEGER, and absurdly long digit strings", async () => {
    const token = await signTestToken();
    for (const since of [TOO_BIG, "99999999999999999999", "1".repeat(33)]) {
      const res = await exports.default.fetch(
        upgradeRequest(freshRoom(), { Authorization: `Bearer ${token}` }, `?since=${since}`),
      );
      expect(await refusal(res)).toEqual({ status: 400, error: "invalid_query" });
    }
  });

  it("pages history with before/after up to MAX_SAFE_INTEGER and refuses larger", async () => {
    const room = freshRoom();
    const token = await signTestToken({ sub: "pager" });
    const alice = await openRoom(room, { token });
    alice.send({ type: "room_message", content: "m1" });
    await alice.frames.next("ack");
    const get = (query: string) =>
      exports.default.fetch(`http://roomcast.localhost/v1/rooms/${room}/messages${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    const before = (await (await get(`?before=${MAX}`)).json()) as { messages: { seq: number }[] };
    expect(before.messages.map((m) => m.seq)).toEqual([1]);
    const after = (await (await get(`?after=${MAX}`)).json()) as { messages: unknown[]; hasMore: boolean };
    expect(after).toMatchObject({ messages: [], hasMore: false });
    for (const q of [`?before=${TOO_BIG}`, `?after=${TOO_BIG}`]) {
      expect(await refusal(await get(q))).toEqual({ status: 400, error: "invalid_query" });
    }
  });
});

// When a strike reported by a room blocks the address, the room closes that
// address's other open sockets with 1008 "blocked"; other addresses stay.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { guardFor } from "../src/guard/guard-shard";
import { freshRoom } from "./helpers/tokens";
import { openRoom } from "./helpers/workerd-socket";

describe("a block from a room's strike", () => {
  it("closes the offender's other sockets in that room with 1008", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const room = freshRoom();
    const otherTab = await openRoom(room, { sub: "offender", headers: { "CF-Connecting-IP": ip } });
    const honest = await openRoom(room, { sub: "honest", headers: { "CF-Connecting-IP": "198.51.100.77" } });
    // BLOCK_AFTER_STRIKES (5) less one, earlier.
    for (let i = 0; i < 4; i++) expect(await guardFor(env, ip).strike(ip, "invalid_frames")).toBe(false);
    // The fifth: 20 invalid frames on one connection (INVALID_FRAME_STRIKE_AFTER).
    const flooder = await openRoom(room, { sub: "offender2", headers: { "CF-Connecting-IP": ip } });
    for (let i = 0; i < 20; i++) flooder.send({ type: "nope" });
    expect(await otherTab.frames.closed()).toEqual({ code: 1008, reason: "blocked" });
    expect(await flooder.frames.closed()).toEqual({ code: 1008, reason: "blocked" });
    honest.send({ type: "room_message", content: "still here" });
    expect((await honest.frames.next("ack")).seq).toBe(1);
    await guardFor(env, ip).unblock(ip);
  });
});

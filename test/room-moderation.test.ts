// Moderation frames on real room sockets (worker → room object in workerd):
// who may do what, what everyone sees, and what is stored.

import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ModerationFrame } from "../src/protocol/frames";
import { binaryPng } from "./helpers/files";
import { moderatedRoom } from "./helpers/moderated-room";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { storedKeys } from "./helpers/uploads";
import {
  openRoom,
  refusedUpgrade,
  roundTrip,
  type TestSocket,
  upgradeRequest,
} from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

async function expectError(socket: TestSocket, code: string, ref?: string): Promise<void> {
  const error = await socket.frames.next("error");
  expect(error.code).toBe(code);
  if (ref !== undefined) expect(error.ref).toBe(ref);
}

describe("roles", () => {
  it("tells each connection whether it may moderate, and refuses moderation frames from members", async () => {
    const { room, mod, bob } = await moderatedRoom();
    const admin = await openRoom(room, { sub: "root", role: "admin" });
    expect(mod.welcome.canModerate).toBe(true);
    expect(admin.welcome.canModerate).toBe(true);
    expect(bob.welcome.canModerate).toBe(false);
    for (const frame of [
      { type: "kick", userId: "mod", cid: "k" },
      { type: "ban", userId: "mod", cid: "b" },
      { type: "unban", userId: "mod", cid: "u" },
      { type: "mute", userId: "mod", cid: "m" },
      { type: "unmute", userId: "mod", cid: "um" },
      { type: "slow_mode", intervalMs: 1000, cid: "s" },
    ]) {
      bob.send(frame);
      await expectError(bob, "forbidden", frame.cid);
    }
  });

  it("a moderator moderates only the rooms of its rooms claim; a service token moderates none", async () => {
    const room = freshRoom("support");
    const service = await openRoom(room, { sub: "svc", role: "service" });
    expect(service.welcome.canModerate).toBe(false);
    const scoped = await openRoom(room, { sub: "m2", role: "moderator", rooms: ["support-*"] });
    expect(scoped.welcome.canModerate).toBe(true);
    // Outside its rooms it is refused before any socket (the rooms claim), so it can moderate nothing there.
    const token = await signTestToken({ sub: "m2", role: "moderator", rooms: ["support-*"] });
    const outside = await exports.default.fetch(
      upgradeRequest(freshRoom("general"), { Authorization: `Bearer ${token}` }),
    );
    expect(outside.status).toBe(403);
    // Without a rooms claim a moderator moderates every room.
    expect((await openRoom(freshRoom("general"), { sub: "m3", role: "moderator" })).welcome.canModerate).toBe(
      true,
    );
  });
});

describe("kick", () => {
  it("closes every socket of the user with 4003, tells everyone why, and lets them rejoin", async () => {
    const { room, mod, bob } = await moderatedRoom();
    const bobTab2 = await openRoom(room, { sub: "bob", name: "Bob" });
    mod.send({ type: "kick", userId: "bob", reason: "spam", cid: "k1" });
    const seen = await mod.frames.next("moderation");
    expect(seen).toMatchObject({
      action: "kick",
      target: { id: "bob", name: "Bob" },
      by: { id: "mod", name: "Mo" },
      reason: "spam",
      cid: "k1",
    } satisfies Partial<ModerationFrame>);
    const toBob = await bob.frames.next("moderation");
    expect(toBob.cid).toBeUndefined();
    expect((await bob.frames.closed()).code).toBe(4003);
    expect((await bobTab2.frames.closed()).code).toBe(4003);
    expect(await mod.frames.next("user_left")).toMatchObject({ user: { id: "bob" } });
    const again = await openRoom(room, { sub: "bob", name: "Bob" });
    expect(again.welcome.presence.map((u) => u.id).sort()).toEqual(["bob", "mod"]);
  });

  it("refuses a user who is not here (not_found), yourself (invalid_message) and an admin (forbidden)", async () => {
    const { room, mod } = await moderatedRoom();
    const admin = await openRoom(room, { sub: "root", role: "admin" });
    mod.send({ type: "kick", userId: "nobody", cid: "a" });
    await expectError(mod, "not_found", "a");
    mod.send({ type: "kick", userId: "mod", cid: "b" });
    await expectError(mod, "invalid_message", "b");
    mod.send({ type: "ban", userId: "mod", cid: "c" });
    await expectError(mod, "invalid_message", "c");
    mod.send({ type: "ban", userId: "root", cid: "d" });
    await expectError(mod, "forbidden", "d");
    mod.send({ type: "mute", userId: "root", cid: "e" });
    await expectError(mod, "forbidden", "e");
    await roundTrip(admin);
    expect(admin.frames.pending("moderation")).toEqual([]);
  });
});

describe("ban", () => {
  it("kicks, then refuses the user's upgrades with 403 banned (before presence) until unbanned", async () => {
    const { room, mod, bob } = await moderatedRoom();
    mod.send({ type: "ban", userId: "bob", durationMs: 60_000, reason: "abuse", cid: "b1" });
    const ban = await mod.frames.next("moderation");
    expect(ban).toMatchObject({ action: "ban", target: { id: "bob" }, reason: "abuse" });
    expect(ban.until).toBeGreaterThan(Date.now() + 50_000);
    expect((await bob.frames.closed()).code).toBe(4003);
    await mod.frames.next("user_left");

    const refused = await refusedUpgrade(room, { sub: "bob" });
    expect(refused).toEqual({
      status: 403,
      body: { error: "banned", message: expect.stringContaining("banned"), until: ban.until },
    });
    await roundTrip(mod);
    expect(mod.frames.pending("user_joined")).toEqual([]);

    mod.send({ type: "unban", userId: "bob", cid: "u1" });
    expect(await mod.frames.next("moderation")).toMatchObject({ action: "unban", target: { id: "bob" } });
    await openRoom(room, { sub: "bob" });
    mod.send({ type: "unban", userId: "bob", cid: "u2" });
    await expectError(mod, "not_found", "u2");
  });

  it("without a duration is permanent (until null), and may target someone not connected", async () => {
    const { room, mod } = await moderatedRoom();
    mod.send({ type: "ban", userId: "carol" });
    expect(await mod.frames.next("moderation")).toMatchObject({
      action: "ban",
      target: { id: "carol", name: "carol" },
      until: null,
    });
    expect((await refusedUpgrade(room, { sub: "carol" })).body.until).toBeNull();
  });

  it("never applies to an admin token, and also refuses the history endpoint", async () => {
    const { room, mod } = await moderatedRoom();
    mod.send({ type: "ban", userId: "root" });
    await mod.frames.next("moderation");
    await openRoom(room, { sub: "root", role: "admin" });
    const page = await stubOf(room).history(
      {},
      { id: "root", name: "root", exp: Math.floor(Date.now() / 1000) + 60 },
    );
    expect(page).toMatchObject({ refused: { code: "banned", status: 403, until: null } });
  });

  it("refuses absurd durations as invalid_message and stores nothing", async () => {
    const { room, mod } = await moderatedRoom();
    for (const durationMs of [-1, 0, 1.5, 31_536_000_001, "60000"]) {
      mod.send({ type: "ban", userId: "bob", durationMs, cid: "x" });
      await expectError(mod, "invalid_message", "x");
      mod.send({ type: "mute", userId: "bob", durationMs, cid: "y" });
      await expectError(mod, "invalid_message", "y");
    }
    for (const intervalMs of [-1, 3_600_001, 0.5, null]) {
      mod.send({ type: "slow_mode", intervalMs, cid: "z" });
      await expectError(mod, "invalid_message", "z");
    }
    expect((await stubOf(room).bans()).bans).toEqual([]);
    expect((await stubOf(room).moderationLog({})).actions).toEqual([]);
  });
});

describe("mute", () => {
  it("refuses the muted user's messages with forbidden until unmuted; others are unaffected", async () => {
    const { mod, bob } = await moderatedRoom();
    mod.send({ type: "mute", userId: "bob", durationMs: 600_000, reason: "cool off" });
    const mute = await bob.frames.next("moderation");
    expect(mute).toMatchObject({ action: "mute", target: { id: "bob" } });
    bob.send({ type: "room_message", content: "let me talk", cid: "m1" });
    // The refusal says it is a mute, and until when, so a client can tell its user.
    const error = await bob.frames.next("error");
    expect(error).toEqual({
      type: "error",
      code: "forbidden",
      message: expect.stringContaining("muted"),
      ref: "m1",
      reason: "muted",
      until: mute.until,
    });
    expect(mute.until).toBeGreaterThan(Date.now());
    mod.send({ type: "room_message", content: "mods may" });
    await mod.frames.next("ack");
    mod.send({ type: "unmute", userId: "bob" });
    await bob.frames.next("moderation");
    bob.send({ type: "room_message", content: "thanks", cid: "m2" });
    expect((await bob.frames.next("ack")).cid).toBe("m2");
    mod.send({ type: "unmute", userId: "bob", cid: "again" });
    await expectError(mod, "not_found", "again");
  });

  it("a permanent mute's refusal carries until: null", async () => {
    const { mod, bob } = await moderatedRoom();
    mod.send({ type: "mute", userId: "bob" });
    expect(await bob.frames.next("moderation")).toMatchObject({ action: "mute", until: null });
    bob.send({ type: "room_message", content: "hello?", cid: "p1" });
    expect(await bob.frames.next("error")).toMatchObject({
      code: "forbidden",
      ref: "p1",
      reason: "muted",
      until: null,
    });
  });
});

describe("delete_message", () => {
  it("reaches everyone as message_deleted, leaves a tombstone and drops the content", async () => {
    const { room, mod, bob } = await moderatedRoom();
    bob.send({ type: "room_message", content: "regrettable", cid: "r1" });
    const ack = await bob.frames.next("ack");
    mod.send({ type: "delete_message", seq: ack.seq, cid: "d1" });
    const deleted = await mod.frames.next("message_deleted");
    expect(deleted).toMatchObject({ room, seq: ack.seq, id: ack.id, by: { id: "mod" }, cid: "d1" });
    expect(await bob.frames.next("message_deleted")).not.toHaveProperty("cid");
    expect(await bob.frames.next("moderation")).toMatchObject({
      action: "delete_message",
      target: { id: "bob" },
      seq: ack.seq,
    });
    const late = await openRoom(room, { sub: "late" });
    expect(late.welcome.history).toEqual([
      expect.objectContaining({
        seq: ack.seq,
        id: ack.id,
        content: "",
        deleted: true,
        from: { id: "bob", name: "Bob" },
      }),
    ]);
    // The content is gone from storage, not hidden.
    const rows = await runSql(room, "SELECT frame FROM messages");
    expect(JSON.stringify(rows)).not.toContain("regrettable");
    // A retry of the deleted message's cid is still answered with its ack.
    bob.send({ type: "room_message", content: "regrettable", cid: "r1" });
    expect((await bob.frames.next("ack")).seq).toBe(ack.seq);
    mod.send({ type: "delete_message", seq: ack.seq, cid: "d2" });
    await expectError(mod, "not_found", "d2");
    mod.send({ type: "delete_message", seq: 999, cid: "d3" });
    await expectError(mod, "not_found", "d3");
  });

  it("lets authors delete their own messages (not audited) but nobody else's", async () => {
    const { room, mod, bob } = await moderatedRoom();
    mod.send({ type: "room_message", content: "from the mod" });
    const modAck = await mod.frames.next("ack");
    bob.send({ type: "delete_message", seq: modAck.seq, cid: "no" });
    await expectError(bob, "forbidden", "no");
    bob.send({ type: "room_message", content: "oops" });
    const own = await bob.frames.next("ack");
    bob.send({ type: "delete_message", seq: own.seq });
    expect(await mod.frames.next("message_deleted")).toMatchObject({ seq: own.seq, by: { id: "bob" } });
    await roundTrip(mod);
    expect(mod.frames.pending("moderation")).toEqual([]);
    expect((await stubOf(room).moderationLog({})).actions).toEqual([]);
  });
});

describe("slow mode", () => {
  it("is in the welcome, limits members to one message per interval, and spares moderators", async () => {
    const { room, mod, bob } = await moderatedRoom();
    mod.send({ type: "slow_mode", intervalMs: 60_000, cid: "s1" });
    expect(await bob.frames.next("moderation")).toMatchObject({ action: "slow_mode", intervalMs: 60_000 });
    expect((await openRoom(room, { sub: "carol" })).welcome.settings).toEqual({ slowModeMs: 60_000 });
    bob.send({ type: "room_message", content: "one", cid: "1" });
    await bob.frames.next("ack");
    bob.send({ type: "room_message", content: "two", cid: "2" });
    const refused = await bob.frames.next("error");
    expect(refused).toMatchObject({ code: "rate_limited", ref: "2" });
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    // A retry of a stored message is not a new message.
    bob.send({ type: "room_message", content: "one", cid: "1" });
    await bob.frames.next("ack");
    for (const content of ["a", "b"]) mod.send({ type: "room_message", content });
    await mod.frames.next("ack");
    await mod.frames.next("ack");
    mod.send({ type: "slow_mode", intervalMs: 0 });
    await bob.frames.next("moderation");
    bob.send({ type: "room_message", content: "free again", cid: "3" });
    expect((await bob.frames.next("ack")).cid).toBe("3");
  });
});

describe("audit log and bans (RPC behind the moderator HTTP routes)", () => {
  it("keeps every action newest first, pages with before, and lists active bans", async () => {
    const { room, mod } = await moderatedRoom();
    mod.send({ type: "mute", userId: "bob", durationMs: 1000 });
    mod.send({ type: "ban", userId: "eve", reason: "spam" });
    mod.send({ type: "slow_mode", intervalMs: 5000 });
    for (let i = 0; i < 3; i++) await mod.frames.next("moderation");
    const page = await stubOf(room).moderationLog({ limit: 2 });
    expect(page.actions.map((a) => a.action)).toEqual(["slow_mode", "ban"]);
    expect(page.hasMore).toBe(true);
    const older = await stubOf(room).moderationLog({ before: page.actions[1]?.id, limit: 2 });
    expect(older).toMatchObject({ actions: [{ action: "mute", target: { id: "bob" } }], hasMore: false });
    expect((await stubOf(room).bans()).bans).toEqual([
      {
        user: { id: "eve", name: "eve" },
        until: null,
        reason: "spam",
        by: { id: "mod", name: "Mo" },
        timestamp: expect.any(Number),
      },
    ]);
  });
});

async function runSql(room: string, query: string): Promise<unknown[]> {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(stubOf(room), (_i, state) => state.storage.sql.exec(query).toArray());
}

describe("delete_message of a shared file", () => {
  it("leaves a room_message tombstone and deletes the object from R2", async () => {
    const { room, mod, bob } = await moderatedRoom();
    const bytes = binaryPng(2_000);
    bob.send({
      type: "file_share",
      fileName: "oops.png",
      fileType: "image/png",
      fileData: btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")),
      cid: "f",
    });
    const ack = await bob.frames.next("ack");
    expect(await storedKeys(room)).toHaveLength(1);
    mod.send({ type: "delete_message", seq: ack.seq, cid: "d" });
    expect(await mod.frames.next("message_deleted")).toMatchObject({ seq: ack.seq, id: ack.id });
    const late = await openRoom(room, { sub: "late" });
    expect(late.welcome.history).toEqual([
      expect.objectContaining({ type: "room_message", seq: ack.seq, id: ack.id, content: "", deleted: true }),
    ]);
    await expect.poll(() => storedKeys(room), { timeout: 5000 }).toEqual([]);
  });
});

// The SDK's moderation calls, events and removal handling, and its token
// renewal on the open socket, against the real worker.
import { describe, expect, it } from "vitest";
import { RoomcastError } from "../../src/client";
import type { MessageDeletedFrame, ModerationFrame } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";

const fx = useWorkerClients();

async function moderatorAndMember(room: string) {
  const mo = await fx.connect({
    room,
    token: await signTestToken({ sub: "mo", name: "Mo", role: "moderator" }),
  });
  const ben = await fx.join(room, "Ben");
  return { mo, ben };
}

describe("moderation through the SDK", () => {
  it("kick resolves with the moderation frame; the kicked client stops at once and says why", async () => {
    const room = freshRoom();
    const { mo, ben } = await moderatorAndMember(room);
    expect(mo.client.canModerate).toBe(true);
    expect(ben.client.canModerate).toBe(false);
    const frame = await mo.client.kick("ben", { reason: "off topic" });
    expect(frame).toMatchObject({ action: "kick", target: { id: "ben" }, reason: "off topic" });
    const closed = await ben.rec.state("closed");
    expect(closed.reason).toMatchObject({ kind: "kicked", code: 4003, moderation: { reason: "off topic" } });
    expect(ben.rec.states.some((s) => s.status === "reconnecting")).toBe(false);
  });

  it("a banned client stops with until; reconnecting is refused 403 banned with until", async () => {
    const room = freshRoom();
    const { mo, ben } = await moderatorAndMember(room);
    const ban = await mo.client.ban("ben", { durationMs: 600_000 });
    const closed = await ben.rec.state("closed");
    expect(closed.reason).toMatchObject({ kind: "kicked", reason: "banned", until: ban.until });
    const again = fx.client({ room, token: await signTestToken({ sub: "ben", name: "Ben" }) });
    await expect(again.connect()).rejects.toBeInstanceOf(RoomcastError);
    expect(again.state).toMatchObject({
      status: "closed",
      reason: { kind: "refused", status: 403, error: "banned", until: ban.until },
    });
  });

  it("lists bans and mutes for moderators (a member gets forbidden 403); an unbanned user joins again", async () => {
    const room = freshRoom();
    const { mo, ben } = await moderatorAndMember(room);
    const ban = await mo.client.ban("ben", { durationMs: 86_400_000, reason: "spam" });
    await mo.client.mute("zoe", { reason: "shouting" });
    expect(await mo.client.listBans()).toEqual({
      room,
      bans: [
        {
          user: { id: "ben", name: "Ben" },
          until: ban.until,
          reason: "spam",
          by: { id: "mo", name: "Mo" },
          timestamp: ban.timestamp,
        },
      ],
    });
    expect(await mo.client.listMutes()).toMatchObject({
      room,
      mutes: [{ user: { id: "zoe" }, until: null, reason: "shouting" }],
    });
    const member = fx.client({ room, token: await signTestToken({ sub: "cy", name: "Cy" }) });
    const refused = await member.listBans().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect(refused).toMatchObject({ code: "forbidden", status: 403 });

    await ben.rec.state("closed");
    await mo.client.unban("ben");
    expect((await mo.client.listBans()).bans).toEqual([]);
    const back = await fx.connect({ room, token: await signTestToken({ sub: "ben", name: "Ben" }) });
    expect(back.client.state.status).toBe("open");
  });

  it("a deleted message reaches a later client as a message event with deleted: true and no content", async () => {
    const room = freshRoom();
    const { ben } = await moderatorAndMember(room);
    const kept = await ben.client.send("kept");
    const gone = await ben.client.send("gone");
    await ben.client.deleteMessage(gone.seq);
    const late = await fx.join(room, "Late");
    await late.rec.messageCount(2);
    const [first, second] = late.rec.messages;
    expect(first).toMatchObject({ seq: kept.seq, content: "kept" });
    expect(first?.deleted).toBeUndefined();
    expect(second).toMatchObject({ seq: gone.seq, content: "", deleted: true, from: { id: "ben" } });
    // The type narrows on `deleted`: an app renders "message deleted" instead of an empty bubble.
    const shown = late.rec.messages.map((m) => (m.deleted ? "message deleted" : m.content));
    expect(shown).toEqual(["kept", "message deleted"]);
  });

  it("rejects with the server's code; deletes, mutes and slow mode reach the others as events", async () => {
    const room = freshRoom();
    const { mo, ben } = await moderatorAndMember(room);
    await expect(ben.client.kick("mo")).rejects.toMatchObject({ code: "forbidden" });
    await expect(mo.client.kick("mo")).rejects.toMatchObject({ code: "invalid_message" });
    await expect(mo.client.deleteMessage(999)).rejects.toMatchObject({ code: "not_found" });

    const seen: Array<ModerationFrame | MessageDeletedFrame> = [];
    ben.client.on("moderation", (f) => seen.push(f));
    ben.client.on("message_deleted", (f) => seen.push(f));
    const ack = await ben.client.send("oops");
    const deleted = await ben.client.deleteMessage(ack.seq);
    expect(deleted).toMatchObject({ type: "message_deleted", seq: ack.seq, by: { id: "ben" } });

    await mo.client.setSlowMode(60_000);
    await ben.rec.until(() => (ben.client.settings.slowModeMs === 60_000 ? true : undefined), "slow mode");
    // Slow mode counts from ben's newest stored message ("oops", a tombstone now).
    await expect(ben.client.send("too soon")).rejects.toMatchObject({ code: "rate_limited" });
    await mo.client.mute("ben");
    await ben.rec.until(
      () => (seen.some((f) => f.type === "moderation" && f.action === "mute") ? true : undefined),
      "mute",
    );
    expect(seen.map((f) => (f.type === "moderation" ? f.action : f.type))).toEqual([
      "message_deleted",
      "slow_mode",
      "mute",
    ]);
    // A mute's refusal says so (checked before slow mode), with its end: null = permanent.
    const refused = await ben.client.send("am I muted?").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect(refused).toMatchObject({ code: "forbidden", reason: "muted", until: null });
  });
});

describe("token renewal on the open socket", () => {
  it("renews before expiry with the provider and stays connected past the first token's exp", async () => {
    const room = freshRoom();
    const firstExp = Math.floor(Date.now() / 1000) + 3;
    const reasons: string[] = [];
    const token = async (reason: string) => {
      reasons.push(reason);
      const exp = reason === "initial" ? firstExp : Math.floor(Date.now() / 1000) + 600;
      return signTestToken({ sub: "lena", name: "Lena", exp });
    };
    const lena = await fx.connect({ room, token, tokenRefresh: { beforeExpiryMs: 1500 } });
    const renewed = await new Promise<{ exp: number }>((resolve) => lena.client.once("auth_ok", resolve));
    expect(renewed.exp).toBeGreaterThan(firstExp + 60);
    expect(reasons).toEqual(["initial", "refresh"]);
    // Past the first token's exp, the same connection still carries messages.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExp * 1000 - Date.now() + 500)));
    await lena.client.send("after the first exp");
    expect(lena.rec.states.filter((s) => s.status === "open")).toHaveLength(1);
  });
});

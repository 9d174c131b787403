// The moderator HTTP surface (audit log, bans, mutes), the ban rule on the history
// endpoint, and dev tokens with a role and a rooms claim.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditPage, BanList, MuteList } from "../src/protocol/frames";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom } from "./helpers/workerd-socket";

const get = (path: string, token?: string) =>
  exports.default.fetch(`http://roomcast.localhost${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });

async function devToken(body: object): Promise<Response> {
  return exports.default.fetch("http://roomcast.localhost/dev/token", {
    method: "POST",
    body: JSON.stringify(body),
  });
}

describe("POST /dev/token with role and rooms", () => {
  it("signs moderators and admins, scoped by rooms", async () => {
    const room = freshRoom("support");
    const res = await devToken({ name: "Mo", role: "moderator", rooms: ["support-*"] });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect((await openRoom(room, { token })).welcome.canModerate).toBe(true);
    const elsewhere = await get(`/v1/rooms/${freshRoom("general")}/moderation`, token);
    expect(elsewhere.status).toBe(403);
    const admin = (await (await devToken({ name: "Root", role: "admin" })).json()) as { token: string };
    expect((await openRoom(freshRoom(), { token: admin.token })).welcome.canModerate).toBe(true);
  });

  it("400 for an unknown role or a malformed rooms claim", async () => {
    for (const body of [
      { name: "a", role: "owner" },
      { name: "a", rooms: [] },
      { name: "a", rooms: ["bad room"] },
      { name: "a", rooms: "general" },
    ]) {
      const res = await devToken(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_body");
    }
  });
});

describe("GET /v1/rooms/:room/moderation and /bans", () => {
  it("answer moderators and admins; 401 without a token, 403 forbidden for members", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", name: "Mo", role: "moderator" });
    mod.send({ type: "ban", userId: "eve", durationMs: 60_000, reason: "spam" });
    mod.send({ type: "kick", userId: "nobody" });
    await mod.frames.next("moderation");
    await mod.frames.next("error");

    const modToken = await signTestToken({ sub: "mod", role: "moderator" });
    const log = await get(`/v1/rooms/${room}/moderation`, modToken);
    expect(log.status).toBe(200);
    const page = (await log.json()) as AuditPage;
    expect(page).toMatchObject({ room, hasMore: false, actions: [{ action: "ban", target: { id: "eve" } }] });
    expect(page.actions[0]?.id).toEqual(expect.any(Number));

    const admin = await signTestToken({ sub: "root", role: "admin" });
    const bans = (await (await get(`/v1/rooms/${room}/bans`, admin)).json()) as BanList;
    expect(bans).toEqual({
      room,
      bans: [
        {
          user: { id: "eve", name: "eve" },
          until: expect.any(Number),
          reason: "spam",
          by: { id: "mod", name: "Mo" },
          timestamp: expect.any(Number),
        },
      ],
    });

    expect((await get(`/v1/rooms/${room}/bans`)).status).toBe(401);
    const member = await signTestToken({ sub: "bob" });
    for (const path of ["moderation", "bans", "mutes"]) {
      const res = await get(`/v1/rooms/${room}/${path}`, member);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: "forbidden" });
    }
    expect((await get(`/v1/rooms/${room}/moderation?limit=0`, modToken)).status).toBe(400);
    expect((await get(`/v1/rooms/${room}/moderation?before=x`, modToken)).status).toBe(400);
    expect((await get(`/v1/rooms/${room}/bans?x=1`, modToken)).status).toBe(400);
    expect((await get(`/v1/rooms/${room}/mutes?x=1`, modToken)).status).toBe(400);
  });

  it("/mutes lists the active mutes, soonest to end first, and drops a lifted one", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", name: "Mo", role: "moderator" });
    mod.send({ type: "mute", userId: "eve" });
    mod.send({ type: "mute", userId: "bob", durationMs: 60_000, reason: "cool off" });
    mod.send({ type: "ban", userId: "zed" });
    for (let i = 0; i < 3; i++) await mod.frames.next("moderation");
    const modToken = await signTestToken({ sub: "mod", role: "moderator" });
    const mutes = async () => (await (await get(`/v1/rooms/${room}/mutes`, modToken)).json()) as MuteList;
    expect(await mutes()).toEqual({
      room,
      mutes: [
        {
          user: { id: "bob", name: "bob" },
          until: expect.any(Number),
          reason: "cool off",
          by: { id: "mod", name: "Mo" },
          timestamp: expect.any(Number),
        },
        {
          user: { id: "eve", name: "eve" },
          until: null,
          by: { id: "mod", name: "Mo" },
          timestamp: expect.any(Number),
        },
      ],
    });
    mod.send({ type: "unmute", userId: "bob" });
    await mod.frames.next("moderation");
    expect((await mutes()).mutes.map((m) => m.user.id)).toEqual(["eve"]);
  });

  it("the history endpoint refuses a banned user with the same 403 banned", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    mod.send({ type: "ban", userId: "eve" });
    await mod.frames.next("moderation");
    const res = await get(`/v1/rooms/${room}/messages`, await signTestToken({ sub: "eve" }));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "banned", message: expect.any(String), until: null });
    expect((await get(`/v1/rooms/${room}/messages`, await signTestToken({ sub: "bob" }))).status).toBe(200);
  });
});

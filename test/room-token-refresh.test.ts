// Token refresh on an open room socket: `auth {token}` → `auth_ok {exp}`. The
// connection then expires at the new exp (the sweep reads it from the
// attachment); any refused token leaves the old one in force.

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConnectionAttachment } from "../src/room/attachment";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openInbox, openRoom, roundTrip } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function expOf(room: string, userId: string): Promise<number | undefined> {
  return runInDurableObject(stubOf(room), (_i, state) => {
    for (const ws of state.getWebSockets()) {
      const att = ws.deserializeAttachment() as ConnectionAttachment;
      if (att.user.id === userId) return att.exp;
    }
    return undefined;
  });
}

describe("token refresh", () => {
  it("extends the connection to the new token's exp", async () => {
    const room = freshRoom();
    const firstExp = nowSeconds() + 30;
    const alice = await openRoom(room, { token: await signTestToken({ sub: "alice", exp: firstExp }) });
    const newExp = nowSeconds() + 3600;
    alice.send({ type: "auth", token: await signTestToken({ sub: "alice", exp: newExp }), cid: "r1" });
    expect(await alice.frames.next("auth_ok")).toEqual({ type: "auth_ok", exp: newExp, cid: "r1" });
    expect(await expOf(room, "alice")).toBe(newExp);
    // The sweep armed for the first token's expiry now finds nothing to close.
    await runDurableObjectAlarm(stubOf(room));
    alice.send({ type: "room_message", content: "still here" });
    await alice.frames.next("ack");
  });

  it("refuses another user's, an invalid, an expired or another room's token; the old one stays", async () => {
    const room = freshRoom();
    const exp = nowSeconds() + 600;
    const alice = await openRoom(room, { token: await signTestToken({ sub: "alice", exp }) });
    const refused = [
      await signTestToken({ sub: "mallory" }),
      "not-a-jwt",
      await signTestToken({ sub: "alice" }, "another-secret-that-is-long-enough-000"),
      await signTestToken({ sub: "alice", exp: nowSeconds() - 60, iat: nowSeconds() - 120 }),
      await signTestToken({ sub: "alice", rooms: ["elsewhere"] }),
    ];
    for (const [i, token] of refused.entries()) {
      alice.send({ type: "auth", token, cid: `t${i}` });
      expect(await alice.frames.next("error")).toMatchObject({ code: "unauthorized", ref: `t${i}` });
    }
    expect(await expOf(room, "alice")).toBe(exp);
    alice.send({ type: "auth", token: "", cid: "empty" });
    expect(await alice.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "empty" });
  });

  it("follows the new token's role", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    await openRoom(room, { sub: "bob" });
    alice.send({ type: "slow_mode", intervalMs: 1000, cid: "before" });
    expect((await alice.frames.next("error")).code).toBe("forbidden");
    alice.send({ type: "auth", token: await signTestToken({ sub: "alice", role: "moderator" }) });
    await alice.frames.next("auth_ok");
    alice.send({ type: "slow_mode", intervalMs: 1000, cid: "after" });
    expect(await alice.frames.next("moderation")).toMatchObject({ action: "slow_mode", cid: "after" });
    alice.send({ type: "auth", token: await signTestToken({ sub: "alice" }) });
    await alice.frames.next("auth_ok");
    alice.send({ type: "slow_mode", intervalMs: 0, cid: "demoted" });
    expect((await alice.frames.next("error")).code).toBe("forbidden");
    await roundTrip(alice);
  });

  it("works on inbox sockets too (the shared socket machinery answers it)", async () => {
    const sub = `ivy-${crypto.randomUUID()}`;
    const inbox = await openInbox({ token: await signTestToken({ sub, exp: nowSeconds() + 30 }) });
    const newExp = nowSeconds() + 3600;
    inbox.send({ type: "auth", token: await signTestToken({ sub, exp: newExp }), cid: "i1" });
    expect(await inbox.frames.next("auth_ok")).toEqual({ type: "auth_ok", exp: newExp, cid: "i1" });
    inbox.send({ type: "auth", token: await signTestToken({ sub: "someone-else" }), cid: "i2" });
    expect(await inbox.frames.next("error")).toMatchObject({ code: "unauthorized", ref: "i2" });
    const att = await runInDurableObject(env.USER.getByName(sub), (_i, state) =>
      state.getWebSockets().map((ws) => (ws.deserializeAttachment() as { exp: number }).exp),
    );
    expect(att).toEqual([newExp]);
  });
});

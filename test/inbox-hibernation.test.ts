// What an inbox must keep across eviction (its memory dropped, its sockets
// hibernating), and the cid retry after an attempt that stopped between the
// two inbox writes.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SocketAttachment } from "../src/hibernation/attachment";
import type { UserDO } from "../src/user/user-do";
import { limiterOf } from "./helpers/inside";
import { openInbox } from "./helpers/workerd-socket";

const freshUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const inbox = (id: string) => env.USER.getByName(id);
const evict = (id: string) => evictDurableObject(inbox(id), { webSockets: "hibernate" });

describe("inbox hibernation", () => {
  it("keeps messages, seq, receipts and unread counts across eviction of both inboxes", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const ann = await openInbox({ sub: a });
    ann.send({ type: "private_message", to: b, content: "before", cid: "p1" });
    await ann.frames.next("ack");
    await evict(a);
    await evict(b);
    // The same socket keeps working after the wake-up; the retry is still de-duplicated.
    ann.send({ type: "private_message", to: b, content: "after", cid: "p2" });
    expect((await ann.frames.next("ack")).seq).toBe(2);
    ann.send({ type: "private_message", to: b, content: "before", cid: "p1" });
    expect((await ann.frames.next("ack")).seq).toBe(1);
    const ben = await openInbox({ sub: b });
    expect(ben.welcome.conversations[0]).toMatchObject({ unread: 2, lastSeq: 2 });
    ben.send({ type: "read", with: a, upTo: 1 });
    await ben.frames.next("read_marked");
    expect(await ann.frames.next("read_receipt")).toMatchObject({ upTo: 1 });
    await evict(a);
    await evict(b);
    const benAgain = await openInbox({ sub: b, since: 1 });
    expect(benAgain.welcome).toMatchObject({ resumed: true, seq: 2 });
    expect(benAgain.welcome.history.map((m) => m.content)).toEqual(["after"]);
    expect(benAgain.welcome.conversations[0]).toMatchObject({ unread: 1 });
    const annAgain = await openInbox({ sub: a });
    expect(annAgain.welcome.conversations[0]).toMatchObject({ readUpTo: 1, unread: 0 });
  });

  it("keeps the sender's rate-limit bucket: a woken inbox still refuses", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const ann = await openInbox({ sub: a });
    for (let i = 0; i < 103; i++) ann.send({ type: "history", limit: 1 });
    expect(await ann.frames.next("error")).toMatchObject({ code: "rate_limited" });
    await evict(a);
    // The woken object's limiter reads the stored bucket: at the moment it was
    // last written (no refill yet) it has no token to give, whatever the clock says now.
    const verdict = await runInDurableObject(inbox(a), (instance: UserDO, state) => {
      const row = state.storage.sql
        .exec<{ updated_at: number }>("SELECT updated_at FROM rate_buckets WHERE user_id = ?", a)
        .one();
      return limiterOf(instance).take(a, row.updated_at);
    });
    expect(verdict.ok).toBe(false);
    const ben = await openInbox({ sub: b });
    expect(ben.welcome.history).toEqual([]);
  });

  it("sweeps idle inbox sockets after a wake-up", async () => {
    const a = freshUser("ann");
    const ann = await openInbox({ sub: a });
    await runInDurableObject(inbox(a), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const att = ws.deserializeAttachment() as SocketAttachment;
        ws.serializeAttachment({ ...att, lastActive: Date.now() - 61_000 });
      }
    });
    await evict(a);
    expect(await runDurableObjectAlarm(inbox(a))).toBe(true);
    expect(await ann.frames.closed()).toEqual({ code: 1001, reason: "idle timeout" });
  });

  it("a cid retry after an attempt that stopped between the two writes stores no second copy", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    // The first attempt's first write happened (the recipient's inbox has the
    // message), and the sender's write never did: exactly what the sender's
    // inbox leaves behind when it fails between the two.
    const first = await inbox(b).deliver({
      id: crypto.randomUUID(),
      from: { id: a, name: a },
      to: b,
      content: "first attempt",
      timestamp: Date.now(),
      cid: "half",
    });
    const ben = await openInbox({ sub: b });
    expect(ben.welcome.history).toHaveLength(1);
    const ann = await openInbox({ sub: a });
    expect(ann.welcome.history).toEqual([]);
    ann.send({ type: "private_message", to: b, content: "first attempt", cid: "half" });
    const ack = await ann.frames.next("ack");
    expect(ack.id).toBe(first.message.id);
    const own = await ann.frames.next("private_message");
    expect(own).toMatchObject({ id: first.message.id, content: "first attempt", seq: 1 });
    // A second retry is answered from the sender's inbox; the recipient still has one copy.
    ann.send({ type: "private_message", to: b, content: "first attempt", cid: "half" });
    expect(await ann.frames.next("ack")).toEqual(ack);
    expect((await inbox(b).conversation(a, {})).messages).toHaveLength(1);
    expect((await inbox(a).conversation(b, {})).messages).toHaveLength(1);
    expect(ben.frames.pending("private_message")).toEqual([]);
  });
});

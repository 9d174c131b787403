// Private messages through the inbox objects: both inboxes store a message
// before the ack, every inbox socket of both users gets it, receipts and
// unread counts follow reads, and bad frames are refused without storing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshRoom } from "./helpers/tokens";
import { openInbox, openRoom } from "./helpers/workerd-socket";

/** A user id no other test uses. */
const freshUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

describe("private messages", () => {
  it("stores in both inboxes before the ack and delivers to every inbox socket of both users", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const annTab1 = await openInbox({ sub: a, name: "Ann" });
    const annTab2 = await openInbox({ sub: a, name: "Ann" });
    const ben = await openInbox({ sub: b, name: "Ben" });
    annTab1.send({ type: "private_message", to: b, content: "hi ben", cid: "c1" });
    const ack = await annTab1.frames.next("ack");
    expect(ack).toMatchObject({ cid: "c1", seq: 1 });
    const theirs = await ben.frames.next("private_message");
    expect(theirs).toMatchObject({
      id: ack.id,
      seq: 1,
      from: { id: a, name: "Ann" },
      to: b,
      content: "hi ben",
    });
    for (const tab of [annTab1, annTab2]) {
      expect(await tab.frames.next("private_message")).toMatchObject({ id: ack.id, seq: 1 });
    }
    // Ben answers; each inbox counts its own seq.
    ben.send({ type: "private_message", to: a, content: "hello ann" });
    expect((await ben.frames.next("ack")).seq).toBe(2);
    expect((await annTab2.frames.next("private_message")).seq).toBe(2);
    const page = await env.USER.getByName(b).conversation(a, {});
    expect(page.messages.map((m) => m.content)).toEqual(["hi ben", "hello ann"]);
  });

  it("accepts private messages on a room socket (forwarded to the inbox) with the same cid de-duplication", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const room = await openRoom(freshRoom(), { sub: a });
    const ben = await openInbox({ sub: b });
    room.send({ type: "private_message", to: b, content: "from a room", cid: "r1" });
    const ack = await room.frames.next("ack");
    expect(await ben.frames.next("private_message")).toMatchObject({ id: ack.id, content: "from a room" });
    // The same cid from the inbox socket is a retry of the same message.
    const annInbox = await openInbox({ sub: a });
    annInbox.send({ type: "private_message", to: b, content: "from a room", cid: "r1" });
    expect(await annInbox.frames.next("ack")).toEqual(ack);
    expect(annInbox.welcome.history).toHaveLength(1);
    const page = await env.USER.getByName(b).conversation(a, {});
    expect(page.messages).toHaveLength(1);
  });

  it("delivers to a user who never connected on their first connection, with unread counts", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const ann = await openInbox({ sub: a, name: "Ann" });
    for (const content of ["one", "two"]) {
      ann.send({ type: "private_message", to: b, content });
      await ann.frames.next("ack");
    }
    const ben = await openInbox({ sub: b, name: "Ben" });
    expect(ben.welcome.history.map((m) => m.content)).toEqual(["one", "two"]);
    expect(ben.welcome.conversations).toEqual([
      { with: { id: a, name: "Ann" }, lastSeq: 2, unread: 2, readUpTo: 0 },
    ]);
  });

  it("read receipts: stored, translated into the sender's seqs, shown after reconnects", async () => {
    const [a, b, c] = [freshUser("ann"), freshUser("ben"), freshUser("cat")];
    const ann = await openInbox({ sub: a, name: "Ann" });
    // Ann's inbox seq 1 goes to Cat, so Ann's and Ben's seqs differ.
    ann.send({ type: "private_message", to: c, content: "to cat" });
    await ann.frames.next("ack");
    ann.send({ type: "private_message", to: b, content: "to ben 1" });
    ann.send({ type: "private_message", to: b, content: "to ben 2" });
    expect((await ann.frames.next("ack")).seq).toBe(2);
    expect((await ann.frames.next("ack")).seq).toBe(3);
    const ben = await openInbox({ sub: b, name: "Ben" });
    const benTab2 = await openInbox({ sub: b, name: "Ben" });
    expect(ben.welcome.conversations[0]).toMatchObject({ unread: 2 });
    ben.send({ type: "read", with: a, upTo: 1 });
    expect(await benTab2.frames.next("read_marked")).toEqual({
      type: "read_marked",
      with: a,
      upTo: 1,
      unread: 1,
    });
    // Ben's seq 1 is Ann's seq 2.
    expect(await ann.frames.next("read_receipt")).toMatchObject({ by: { id: b, name: "Ben" }, upTo: 2 });
    ben.send({ type: "read", with: a, upTo: 2 });
    expect(await ann.frames.next("read_receipt")).toMatchObject({ upTo: 3 });
    const annAgain = await openInbox({ sub: a });
    expect(annAgain.welcome.conversations.find((x) => x.with.id === b)).toMatchObject({
      readUpTo: 3,
      unread: 0,
    });
    const benAgain = await openInbox({ sub: b });
    expect(benAgain.welcome.conversations[0]).toMatchObject({ unread: 0, lastSeq: 2 });
  });

  it("refuses bad input with clear errors and stores nothing", async () => {
    const a = freshUser("ann");
    const b = freshUser("ben");
    const ann = await openInbox({ sub: a });
    const refusals: [object, string][] = [
      [{ type: "private_message", content: "no to", cid: "x1" }, "invalid_message"],
      [{ type: "private_message", to: "", content: "empty to" }, "invalid_message"],
      [{ type: "private_message", to: a, content: "myself", cid: "x2" }, "invalid_message"],
      [{ type: "private_message", to: b, content: "" }, "invalid_message"],
      [{ type: "private_message", to: b, content: "x", extra: 1 }, "invalid_message"],
      [{ type: "room_message", content: "wrong socket" }, "invalid_message"],
      [{ type: "read", with: b, upTo: 5 }, "invalid_message"],
      [{ type: "read", with: b, upTo: 0 }, "not_found"],
    ];
    for (const [frame, code] of refusals) {
      ann.send(frame);
      expect(await ann.frames.next("error")).toMatchObject({ code });
    }
    ann.send({ type: "private_message", to: a, content: "myself", cid: "x3" });
    expect(await ann.frames.next("error")).toMatchObject({
      ref: "x3",
      message: expect.stringContaining("yourself"),
    });
    ann.send({ type: "history" });
    expect((await ann.frames.next("history")).messages).toEqual([]);
    expect(ann.frames.pending("ack")).toEqual([]);
    // A history request's ref comes back on its answer and on its refusal, as in rooms.
    ann.send({ type: "history", with: b, ref: "h-ok" });
    expect(await ann.frames.next("history")).toMatchObject({ ref: "h-ok", messages: [] });
    ann.send({ type: "history", limit: 0, ref: "h-bad" });
    expect(await ann.frames.next("error")).toMatchObject({ code: "invalid_message", ref: "h-bad" });
  });

  it("floods get rate_limited, then close 4008; nothing refused is stored", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const ann = await openInbox({ sub: a });
    // Far more than the bucket holds (100): even if a token refills mid-flood, five refusals in a row follow.
    for (let i = 0; i < 150; i++)
      ann.send({ type: "private_message", to: b, content: `m${i}`, cid: `f${i}` });
    expect(await ann.frames.next("error")).toMatchObject({ code: "rate_limited" });
    expect((await ann.frames.closed(15_000)).code).toBe(4008);
    // Every acked message is stored; the refused ones (at least 40 of the 150) are not.
    // (Sends still in flight at the close are stored, but their acks go nowhere.)
    const acked = ann.frames.all.filter((f) => f.type === "ack").length;
    const ben = await openInbox({ sub: b });
    const stored = ben.welcome.conversations[0]?.unread ?? 0;
    expect(stored).toBeGreaterThanOrEqual(acked);
    expect(stored).toBeLessThanOrEqual(110);
  });
});

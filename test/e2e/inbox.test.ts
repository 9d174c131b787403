// Private messages over real sockets against the whole worker: offline
// delivery, unread counts, receipts to every tab, and resume after a forced
// disconnect, as a client written from docs/protocol.md sees them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { joinRoom, openInbox, type RunningWorker, startWorker } from "./worker-harness";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.close();
});

const freshUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;
const token = (sub: string) => signTestToken({ sub, name: sub.split("-")[0] ?? sub });

describe("private messages over real sockets", () => {
  it("B offline gets three DMs (one sent from a room socket) with unread 3; the receipt reaches both of A's tabs", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const annTab1 = await openInbox(worker, await token(a));
    const annTab2 = await openInbox(worker, await token(a));
    const annRoom = await joinRoom(worker, freshRoom(), await token(a));
    annTab1.send({ type: "private_message", to: b, content: "one", cid: "d1" });
    expect(await annTab1.frames.next("ack")).toMatchObject({ cid: "d1", seq: 1 });
    annRoom.send({ type: "private_message", to: b, content: "two", cid: "d2" });
    expect(await annRoom.frames.next("ack")).toMatchObject({ cid: "d2", seq: 2 });
    annTab2.send({ type: "private_message", to: b, content: "three", cid: "d3" });
    expect(await annTab2.frames.next("ack")).toMatchObject({ cid: "d3", seq: 3 });
    // Both of Ann's tabs saw all three (her own copies).
    for (const tab of [annTab1, annTab2]) {
      for (const seq of [1, 2, 3]) expect((await tab.frames.next("private_message")).seq).toBe(seq);
    }

    const benTab1 = await openInbox(worker, await token(b));
    const benTab2 = await openInbox(worker, await token(b));
    expect(benTab1.welcome.history.map((m) => m.content)).toEqual(["one", "two", "three"]);
    expect(benTab1.welcome.conversations).toEqual([
      { with: { id: a, name: "ann" }, lastSeq: 3, unread: 3, readUpTo: 0 },
    ]);
    benTab1.send({ type: "read", with: a, upTo: 3 });
    for (const tab of [benTab1, benTab2]) {
      expect(await tab.frames.next("read_marked")).toMatchObject({ with: a, upTo: 3, unread: 0 });
    }
    for (const tab of [annTab1, annTab2]) {
      expect(await tab.frames.next("read_receipt")).toMatchObject({ by: { id: b }, upTo: 3 });
    }
    // Ben's reply reaches both of Ann's tabs and Ben's other tab.
    benTab2.send({ type: "private_message", to: a, content: "got them" });
    const reply = await benTab2.frames.next("ack");
    expect(await benTab1.frames.next("private_message")).toMatchObject({ id: reply.id, seq: 4 });
    for (const tab of [annTab1, annTab2]) {
      expect(await tab.frames.next("private_message")).toMatchObject({
        id: reply.id,
        seq: 4,
        content: "got them",
      });
    }
    for (const socket of [annTab1, annTab2, annRoom, benTab1, benTab2]) socket.ws.close(1000);
  });

  it("resumes an inbox after a forced disconnect: exactly the missed messages", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const ben = await openInbox(worker, await token(b));
    const ann = await openInbox(worker, await token(a));
    ann.send({ type: "private_message", to: b, content: "before" });
    const seen = await ben.frames.next("private_message");
    // No close handshake: the TCP connection just ends.
    ben.ws.terminate();
    for (const content of ["missed 1", "missed 2"]) {
      ann.send({ type: "private_message", to: b, content });
      await ann.frames.next("ack");
    }
    const back = await openInbox(worker, await token(b), `?since=${seen.seq}`);
    expect(back.welcome).toMatchObject({ resumed: true, hasMore: false, seq: 3 });
    expect(back.welcome.history.map((m) => m.content)).toEqual(["missed 1", "missed 2"]);
    expect(back.welcome.conversations[0]).toMatchObject({ unread: 3 });
    for (const socket of [ann, back]) socket.ws.close(1000);
  });
});

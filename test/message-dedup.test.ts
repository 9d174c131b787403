// Retries detected by the insert itself (MessageLog.append: a unique
// (user_id, cid) index and ON CONFLICT DO NOTHING, the original read only on a
// conflict): the answers stay what the look-up before every insert gave.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MessageLog } from "../src/hibernation/message-log";
import type { RoomMessageFrame } from "../src/protocol/frames";
import type { RoomDO } from "../src/room/room-do";
import type { StoredEntry } from "../src/room/stored-entry";
import { contentOf } from "./helpers/files";
import { roomContextOf } from "./helpers/inside";
import { freshRoom } from "./helpers/tokens";
import { openRoom } from "./helpers/workerd-socket";

const stubOf = (room: string) => env.ROOM.getByName(room);

/** A room_message row as the room stores it. */
function row(seq: number, user: string, cid: string, content: string): RoomMessageFrame {
  return {
    type: "room_message",
    id: `id-${seq}`,
    seq,
    timestamp: 1_000 + seq,
    room: "r",
    from: { id: user, name: user },
    content,
    cid,
  };
}

describe("retries detected by the insert", () => {
  it("answers a muted sender's retry of an accepted message with its ack, and refuses a new one", async () => {
    const room = freshRoom();
    const mod = await openRoom(room, { sub: "mod", role: "moderator" });
    const bob = await openRoom(room, { sub: "bob" });
    bob.send({ type: "room_message", content: "before", cid: "b1" });
    const first = await bob.frames.next("ack");
    mod.send({ type: "mute", userId: "bob" });
    await bob.frames.next("moderation");
    bob.send({ type: "room_message", content: "before", cid: "b1" });
    expect(await bob.frames.next("ack")).toEqual(first);
    bob.send({ type: "room_message", content: "after", cid: "b2" });
    expect(await bob.frames.next("error")).toMatchObject({ code: "forbidden", ref: "b2" });
  });

  it("answers a retried cid that names a file share with that share's ack", async () => {
    const room = freshRoom();
    const alice = await openRoom(room, { sub: "alice" });
    const share = await runInDurableObject(stubOf(room), (instance: RoomDO) => {
      const appended = roomContextOf(instance).append(
        { userId: "alice", cid: "f1" },
        Date.now(),
        (seq, timestamp) => ({
          type: "file_share" as const,
          id: crypto.randomUUID(),
          seq,
          room,
          from: { id: "alice", name: "alice" },
          file: { id: crypto.randomUUID(), name: "a.png", size: 1, type: "image/png" },
          timestamp,
          cid: "f1",
        }),
      );
      return appended.frame;
    });
    alice.send({ type: "room_message", content: "text", cid: "f1" });
    expect(await alice.frames.next("ack")).toEqual({
      type: "ack",
      cid: "f1",
      id: share.id,
      seq: share.seq,
      timestamp: share.timestamp,
    });
    alice.send({ type: "history" });
    expect((await alice.frames.next("history")).messages).toHaveLength(1);
  });

  it("builds the unique index over a log that lacks it, keeping the earliest of duplicate (user, cid) rows", async () => {
    const room = freshRoom();
    const stub = stubOf(room);
    await runInDurableObject(stub, (_instance: RoomDO, state) => {
      const sql = state.storage.sql;
      // A log as it would be without the index: the same (user, cid) twice.
      sql.exec("DROP INDEX messages_user_cid");
      const insert = "INSERT INTO messages (seq, user_id, cid, frame) VALUES (?, ?, ?, ?)";
      for (const frame of [
        row(1, "ann", "dup", "first"),
        row(2, "ann", "dup", "second"),
        row(3, "bob", "dup", "b"),
      ]) {
        sql.exec(insert, frame.seq, frame.from.id, frame.cid, JSON.stringify(frame));
      }
      const log = new MessageLog<StoredEntry>(state.storage, { limit: 100 });
      const indexes = sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'",
        )
        .toArray()
        .map((r) => r.name);
      expect(indexes).toContain("messages_user_cid");
      expect(log.findByCid("ann", "dup")?.seq).toBe(1);
      expect(log.findByCid("bob", "dup")?.seq).toBe(3);
    });
    // The room itself after a wake-up: a retry gets the earliest's ack, nothing is stored.
    await evictDurableObject(stub);
    const ann = await openRoom(room, { sub: "ann" });
    ann.send({ type: "room_message", content: "first", cid: "dup" });
    expect(await ann.frames.next("ack")).toMatchObject({ cid: "dup", id: "id-1", seq: 1 });
    ann.send({ type: "room_message", content: "new", cid: "fresh" });
    expect(await ann.frames.next("ack")).toMatchObject({ cid: "fresh", seq: 4 });
    ann.send({ type: "history" });
    expect((await ann.frames.next("history")).messages.map(contentOf)).toEqual([
      "first",
      "second",
      "b",
      "new",
    ]);
  });
});

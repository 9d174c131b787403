// Trimming by amount (MessageLog): the log shows exactly the latest `limit`
// messages, and the rows below go in one statement once a batch of them
// (a tenth of the limit) has gathered, not one delete per message.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MessageLog } from "../src/hibernation/message-log";
import { trimBatch } from "../src/hibernation/message-log-schema";
import type { RoomMessageFrame } from "../src/protocol/frames";
import { freshRoom } from "./helpers/tokens";

const LIMIT = 100;
const BATCH = trimBatch(LIMIT);

function appendAll(
  log: MessageLog<RoomMessageFrame>,
  from: number,
  to: number,
  cid = (i: number) => `c${i}`,
) {
  for (let i = from; i <= to; i++) {
    const appended = log.append({ userId: "u", cid: cid(i) }, 1_000 + i, (seq, timestamp) => ({
      type: "room_message",
      id: `id-${i}`,
      seq,
      timestamp,
      room: "r",
      from: { id: "u", name: "u" },
      content: `m${i}`,
      cid: cid(i),
    }));
    expect(appended.kind).toBe("stored");
  }
}

const rows = (sql: SqlStorage) => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;

describe("trimming by amount", () => {
  it("shows exactly the latest limit, deletes in batches, and forgets trimmed cids", async () => {
    expect(BATCH).toBe(10);
    const stub = env.ROOM.getByName(freshRoom("trim"));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DELETE FROM messages");
      const log = new MessageLog<RoomMessageFrame>(state.storage, { limit: LIMIT });
      appendAll(log, 1, LIMIT + BATCH - 1);
      // Nine rows below the window wait for the batch; none of them is visible.
      expect(rows(sql)).toBe(LIMIT + BATCH - 1);
      expect(log.oldestKept()).toBe(BATCH);
      const oldest = log.page({ limit: 200 }, 50);
      expect(oldest.messages.map((m) => m.seq)).toEqual(Array.from({ length: LIMIT }, (_, i) => i + BATCH));
      expect(oldest.hasMore).toBe(false);
      expect(log.page({ after: 0, limit: 3 }, 50).messages.map((m) => m.seq)).toEqual([
        BATCH,
        BATCH + 1,
        BATCH + 2,
      ]);
      expect(log.page({ before: BATCH + 1 }, 50)).toEqual({
        messages: [expect.objectContaining({ seq: BATCH })],
        hasMore: false,
      });
      expect(log.get(BATCH - 1)).toBeUndefined();
      expect(log.findByCid("u", `c${BATCH - 1}`)).toBeUndefined();
      expect(log.findByCid("u", `c${BATCH}`)?.seq).toBe(BATCH);
      // A trimmed message's cid is free again (as when each append deleted its row).
      appendAll(log, LIMIT + BATCH, LIMIT + BATCH, () => "c1");
      expect(log.findByCid("u", "c1")?.seq).toBe(LIMIT + BATCH);
      // That append made ten rows below the window: one delete took them all.
      expect(rows(sql)).toBe(LIMIT);
      expect(log.oldestKept()).toBe(BATCH + 1);
    });
    // A woken log finds the same window.
    await evictDurableObject(stub);
    await runInDurableObject(stub, (_instance, state) => {
      const log = new MessageLog<RoomMessageFrame>(state.storage, { limit: LIMIT });
      expect(log.oldestKept()).toBe(BATCH + 1);
      expect(log.seq).toBe(LIMIT + BATCH);
    });
  });

  it("answers a retry of the oldest kept message with it, and stores nothing", async () => {
    const stub = env.ROOM.getByName(freshRoom("trim"));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM messages");
      const log = new MessageLog<RoomMessageFrame>(state.storage, { limit: 5 });
      appendAll(log, 1, 8);
      expect(log.oldestKept()).toBe(4);
      const retry = log.append({ userId: "u", cid: "c4" }, 2_000, (seq, timestamp) => ({
        type: "room_message",
        id: "new",
        seq,
        timestamp,
        room: "r",
        from: { id: "u", name: "u" },
        content: "again",
        cid: "c4",
      }));
      expect(retry).toMatchObject({ kind: "kept", frame: { seq: 4, id: "id-4" } });
      expect(log.seq).toBe(8);
    });
  });
});

/**
 * Hostile protocol state (frames after leaving, cids reused, odd resume points,
 * history at its bounds) and exhaustion (many sockets and rooms, reconnect
 * storms, floods, a consumer that stops reading).
 */
import { expect } from "vitest";
import { freshIp } from "../../helpers/guard-client";
import { freshRoom } from "../../helpers/tokens";
import { HOSTILE_LIMITS } from "./limits";
import type { HostileCase } from "./world";

export const stateCases: HostileCase[] = [
  {
    group: "state",
    name: "frames sent after leave_room are ignored",
    async run(w) {
      const p = await w.join();
      p.send({ type: "leave_room" });
      p.send({ type: "room_message", content: "ghost", cid: "after-leave" });
      expect(await p.closed()).toBe(1000);
      expect(p.frames.all.some((f) => f.type === "ack")).toBe(false);
    },
  },
  {
    group: "state",
    name: "the same cid from two users is two messages",
    async run(w) {
      const a = await w.join();
      const b = await w.join();
      const first = await a.message("from a", { cid: "shared" });
      const second = await b.message("from b", { cid: "shared" });
      expect(first.type).toBe("ack");
      expect(second.type).toBe("ack");
      if (first.type === "ack" && second.type === "ack") expect(second.seq).not.toBe(first.seq);
    },
  },
  {
    group: "state",
    name: "a retried cid with different content is not stored twice",
    async run(w) {
      const p = await w.join();
      const first = await p.message("original", { cid: "retry-1" });
      const again = await p.message("tampered retry", { cid: "retry-1" });
      expect(again).toEqual(first);
    },
  },
  {
    group: "state",
    name: "the same cid from two tabs of one user is one message",
    async run(w) {
      const sub = `h-${crypto.randomUUID().slice(0, 8)}`;
      const tab1 = await w.join({ sub });
      const tab2 = await w.join({ sub });
      const first = await tab1.message("once", { cid: "tabs" });
      expect(await tab2.message("once", { cid: "tabs" })).toEqual(first);
    },
  },
  {
    group: "state",
    name: "since far beyond the room's seq gives a fresh welcome",
    async run(w) {
      const p = await w.join();
      await p.message("one");
      const late = await w.attempt({ query: "?since=999999999999999" });
      if (!("frames" in late)) throw new Error("refused");
      expect(await late.frames.next("welcome")).toMatchObject({ resumed: false, seq: 1 });
    },
  },
  {
    group: "state",
    name: "since=0 on an empty room resumes with nothing",
    async run(w) {
      const p = await w.attempt({ query: "?since=0" });
      if (!("frames" in p)) throw new Error("refused");
      expect(await p.frames.next("welcome")).toMatchObject({ resumed: true, history: [], hasMore: false });
    },
  },
  {
    group: "state",
    name: "history requests at and past the bounds",
    async run(w) {
      const p = await w.join();
      for (let i = 0; i < 3; i++) await p.message(`m${i}`);
      for (const [request, seqs] of [
        [{ limit: 100 }, [1, 2, 3]],
        [{ limit: 1 }, [3]],
        [{ before: 0 }, []],
        [{ before: 1 }, []],
        [{ after: 3 }, []],
        [{ after: 999_999_999 }, []],
        [{ before: Number.MAX_SAFE_INTEGER, limit: 2 }, [2, 3]],
      ] as const) {
        p.send({ type: "history", ...request });
        expect((await p.frames.next("history")).messages.map((m) => m.seq)).toEqual(seqs);
      }
    },
  },
  {
    group: "state",
    name: "a history page over HTTP past the end",
    async run(w) {
      const res = await w.http("GET", `/v1/rooms/${w.room}/messages?after=999999999999999`, {
        token: await w.token(),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ messages: [], hasMore: false });
    },
  },
  {
    group: "exhaustion",
    name: "twelve sockets of one user are one presence entry",
    async run(w) {
      const sub = `h-${crypto.randomUUID().slice(0, 8)}`;
      const tabs = [];
      for (let i = 0; i < 12; i++) tabs.push(await w.join({ sub }));
      const watcher = await w.join();
      const welcome = watcher.frames.all.find((f) => f.type === "welcome");
      expect(welcome?.type === "welcome" && welcome.presence.filter((u) => u.id === sub)).toHaveLength(1);
      const last = tabs[tabs.length - 1];
      expect((await last?.message("from the 12th tab"))?.type).toBe("ack");
      for (const tab of tabs)
        expect((await tab.frames.next("room_message")).content).toBe("from the 12th tab");
    },
  },
  {
    group: "exhaustion",
    name: "one user in eight rooms at once",
    async run(w) {
      const sub = `h-${crypto.randomUUID().slice(0, 8)}`;
      const rooms = Array.from({ length: 8 }, () => freshRoom("multi"));
      const probes = [];
      for (const room of rooms) probes.push(await w.join({ sub, room }));
      for (const [i, p] of probes.entries()) expect((await p.message(`in room ${i}`)).type).toBe("ack");
      for (const [i, room] of rooms.entries()) {
        expect((await w.storedMessages(room)).map((m) => m.content)).toEqual([`in room ${i}`]);
      }
      await w.join({ sub });
    },
  },
  {
    group: "exhaustion",
    name: "fifteen rapid reconnects",
    async run(w) {
      const sub = `h-${crypto.randomUUID().slice(0, 8)}`;
      for (let i = 0; i < 15; i++) {
        const p = await w.join({ sub });
        p.ws.close();
      }
      const last = await w.join({ sub });
      expect((await last.message("still me")).type).toBe("ack");
    },
  },
  {
    group: "exhaustion",
    name: "a flood is limited, then closed with 4008; acked messages are kept",
    async run(w) {
      const p = await w.join();
      const cids = Array.from(
        { length: Number(HOSTILE_LIMITS.RATE_LIMIT_PER_MINUTE) + 20 },
        (_, i) => `f${i}`,
      );
      for (const cid of cids) p.send({ type: "room_message", content: `flood ${cid}`, cid });
      expect(await p.closed()).toBe(4008);
      const acks = p.frames.all.filter((f) => f.type === "ack");
      // About RATE_LIMIT_PER_MINUTE of them (the bucket refills while the flood arrives).
      expect(acks.length).toBeGreaterThan(0);
      expect(acks.length).toBeLessThan(cids.length);
    },
  },
  {
    group: "exhaustion",
    name: "a consumer that stops reading does not hold up the room",
    async run(w) {
      const slow = await w.join();
      // Stop reading at the TCP level: the server's frames pile up in buffers.
      (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const sender = await w.join();
      const other = await w.join();
      for (let i = 0; i < 40; i++)
        expect((await sender.message(`burst ${i} ${"x".repeat(2000)}`)).type).toBe("ack");
      for (let i = 0; i < 40; i++)
        expect((await other.frames.next("room_message")).content.startsWith(`burst ${i} `)).toBe(true);
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      for (let i = 0; i < 40; i++)
        expect((await slow.frames.next("room_message", 10_000)).content.startsWith(`burst ${i} `)).toBe(true);
    },
  },
  {
    group: "exhaustion",
    name: "a connect storm from one address meets 429 with Retry-After",
    async run(w) {
      const limit = Number(HOSTILE_LIMITS.CONNECT_RATE_PER_MINUTE);
      for (let i = 0; i < limit; i++) {
        const res = await w.http("GET", `/v1/rooms/${w.room}/messages`, { token: await w.token() });
        expect(res.status).toBe(200);
      }
      const refused = await w.refused();
      expect([refused.status, refused.error]).toEqual([429, "too_many_connects"]);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    },
  },
  {
    group: "exhaustion",
    name: "forged tokens until the address is blocked",
    async run(w) {
      const perStrike = Number(HOSTILE_LIMITS.TOKEN_FAILURE_STRIKE_AFTER);
      const strikes = Number(HOSTILE_LIMITS.BLOCK_AFTER_STRIKES);
      for (let i = 0; i < perStrike * strikes; i++) {
        expect((await w.refused({ token: "forged.token.value" })).status).toBe(401);
      }
      // The strikes are reported after the responses: wait for the block to land.
      let blocked = false;
      for (let i = 0; i < 20 && !blocked; i++) {
        const attempt = await w.attempt({ token: await w.token() });
        if ("frames" in attempt) attempt.ws.close();
        else blocked = attempt.status === 403 && attempt.error === "blocked";
      }
      expect(blocked).toBe(true);
      // Another address is untouched (the witnesses come from fresh ones too).
      await w.join({ ip: freshIp() });
    },
  },
  {
    group: "exhaustion",
    name: "pings in a tight loop are answered and cost nothing stored",
    async run(w) {
      const p = await w.join();
      for (let i = 0; i < 200; i++) p.send('{"type":"ping"}');
      for (let i = 0; i < 200; i++) await p.frames.next("pong");
      expect((await p.message("after the pings")).type).toBe("ack");
    },
  },
];

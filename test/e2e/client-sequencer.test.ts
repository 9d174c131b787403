// The ordering rules in isolation, for the interleavings a real server produces
// too rarely to test by timing: live broadcasts arriving while catch-up pages
// are still coming, duplicates across a page and a broadcast, a room reset.
import { describe, expect, it } from "vitest";
import type { RoomMessageFrame, WelcomeFrame } from "../../src/client";
import { MessageSequencer } from "../../src/client/message-sequencer";

const msg = (seq: number): RoomMessageFrame => ({
  type: "room_message",
  id: `id-${seq}`,
  seq,
  room: "r",
  from: { id: "u", name: "U" },
  content: `m${seq}`,
  timestamp: seq,
});
const seqs = (entries: { seq: number }[]) => entries.map((m) => m.seq);
const welcome = (over: Partial<WelcomeFrame>): WelcomeFrame => ({
  type: "welcome",
  clientId: "c",
  user: { id: "u", name: "U" },
  room: "r",
  seq: 0,
  presence: [],
  history: [],
  hasMore: false,
  resumed: false,
  settings: { slowModeMs: 0 },
  canModerate: false,
  ...over,
});

describe("MessageSequencer", () => {
  it("joins fresh: delivers the welcome history and sends no since", () => {
    const s = new MessageSequencer();
    expect(s.since).toBeUndefined();
    const step = s.welcome(welcome({ seq: 3, history: [msg(1), msg(2), msg(3)] }));
    expect(seqs(step.deliver)).toEqual([1, 2, 3]);
    expect(step.resume).toBeUndefined();
    expect(s.since).toBe(3);
    expect(seqs(s.live(msg(4)))).toEqual([4]);
    expect(s.live(msg(4))).toEqual([]); // a duplicate is dropped
  });

  it("holds live messages back while paging forward, then releases them once, in order", () => {
    const s = new MessageSequencer(2);
    const step = s.welcome(welcome({ seq: 9, history: [msg(3), msg(4)], hasMore: true, resumed: true }));
    expect(step.catchUp).toBe(true);
    expect(seqs(step.deliver)).toEqual([3, 4]);
    expect(s.live(msg(10))).toEqual([]);
    expect(s.live(msg(11))).toEqual([]);
    const page1 = s.page({ type: "history", room: "r", messages: [msg(5), msg(6)], hasMore: true });
    expect(page1.catchUp).toBe(true);
    expect(seqs(page1.deliver)).toEqual([5, 6]);
    // The last page overlaps a buffered broadcast (10): delivered once.
    const page2 = s.page({
      type: "history",
      room: "r",
      messages: [msg(7), msg(8), msg(9), msg(10)],
      hasMore: false,
    });
    expect(page2.catchUp).toBe(false);
    expect(seqs(page2.deliver)).toEqual([7, 8, 9, 10, 11]);
    expect(s.catchingUp).toBe(false);
    expect(seqs(s.live(msg(12)))).toEqual([12]);
  });

  it("starts over when the room was reset (its seq went below since)", () => {
    const s = new MessageSequencer(40);
    const step = s.welcome(welcome({ seq: 2, history: [msg(1), msg(2)] }));
    expect(step.resume).toEqual({ since: 40, resumed: false, reset: true });
    expect(seqs(step.deliver)).toEqual([1, 2]);
    expect(s.lastSeq).toBe(2);
  });

  it("tracks the oldest seq for loading older pages", () => {
    const s = new MessageSequencer();
    s.welcome(welcome({ seq: 60, history: [msg(11), msg(12)], hasMore: true }));
    expect(s.oldestSeq).toBe(11);
    s.older([msg(1), msg(2)]);
    expect(s.oldestSeq).toBe(1);
    expect(s.lastSeq).toBe(12);
  });
});

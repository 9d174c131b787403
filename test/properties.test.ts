// Property-based tests (fast-check) over the two pieces every hostile input goes
// through: the frame parser (any text, any JSON) and the history pager (any log
// length, trim limit and page request, checked against a plain model).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageLog } from "../src/hibernation/message-log";
import { exceedsUtf8Bytes, frameParser } from "../src/hibernation/parse-frame";
import { ErrorCode } from "../src/protocol/codes";
import type { ErrorFrame, RoomMessageFrame } from "../src/protocol/frames";
import { CID_MAX_CHARS, clientFrameSchema, HISTORY_PAGE_MAX } from "../src/protocol/schemas";
import { freshRoom } from "./helpers/tokens";

const LIMITS = {
  maxMessageBytes: 2048,
  maxContentChars: 500,
  moderationMaxDurationMs: 86_400_000,
  slowModeMaxMs: 60_000,
};
const parse = frameParser(clientFrameSchema(LIMITS), LIMITS.maxMessageBytes);
const CODES = new Set<string>(Object.values(ErrorCode));

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const anyText = fc.string({
  unit: fc.oneof(anyUnit, fc.string({ unit: "binary", maxLength: 1 })),
  maxLength: 3000,
});

function expectCleanRefusal(error: ErrorFrame): void {
  expect(CODES.has(error.code)).toBe(true);
  // A human sentence, never a stack trace.
  expect(error.message).not.toMatch(/\n|\bat .*:\d+|\.ts\b|\.js\b/);
}

describe("frame parser properties", () => {
  it("answers any text with a frame or a clean refusal, never an exception", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parse(text);
        if (!result.ok) expectCleanRefusal(result.error);
      }),
      { numRuns: 500 },
    );
  });

  it("answers any JSON value the same way, and echoes a ref only when it is a valid cid", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ type: fc.string(), cid: fc.jsonValue() })),
        (value) => {
          const result = parse(JSON.stringify(value) ?? "null");
          if (result.ok) return;
          expectCleanRefusal(result.error);
          if (result.error.ref !== undefined) {
            expect(result.error.ref.length).toBeGreaterThan(0);
            expect(result.error.ref.length).toBeLessThanOrEqual(CID_MAX_CHARS);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("accepts every valid room_message exactly as sent (content counted in UTF-16 units)", () => {
    const content = fc
      .string({ unit: "binary", minLength: 1, maxLength: 240 })
      .filter((s) => s.length <= 500);
    const cid = fc
      .string({ minLength: 1, maxLength: CID_MAX_CHARS })
      .filter((s) => s.length <= CID_MAX_CHARS);
    fc.assert(
      fc.property(content, fc.option(cid, { nil: undefined }), (text, maybeCid) => {
        const frame = {
          type: "room_message",
          content: text,
          ...(maybeCid !== undefined ? { cid: maybeCid } : {}),
        };
        const raw = JSON.stringify(frame);
        const result = parse(raw);
        if (new TextEncoder().encode(raw).byteLength > LIMITS.maxMessageBytes) {
          expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.TooLarge } });
        } else {
          expect(result).toEqual({ ok: true, frame });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses content longer than MAX_CONTENT_CHARS units", () => {
    fc.assert(
      fc.property(fc.integer({ min: 501, max: 640 }), (length) => {
        const result = parse(JSON.stringify({ type: "room_message", content: "é".repeat(length) }));
        expect(result.ok).toBe(false);
        if (!result.ok) expect([ErrorCode.InvalidMessage, ErrorCode.TooLarge]).toContain(result.error.code);
      }),
    );
  });

  it("measures frames in UTF-8 bytes exactly as TextEncoder does", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 4000 }), (text, max) => {
        expect(exceedsUtf8Bytes(text, max)).toBe(new TextEncoder().encode(text).byteLength > max);
      }),
      { numRuns: 500 },
    );
  });
});

/** What a page must be, computed from the list of kept seqs. */
function modelPage(
  kept: number[],
  req: { before?: number; after?: number; limit?: number },
  fallback: number,
) {
  const limit = req.limit ?? fallback;
  if (req.after !== undefined) {
    const later = kept.filter((s) => s > (req.after as number));
    return { seqs: later.slice(0, limit), hasMore: later.length > limit };
  }
  const earlier = kept.filter((s) => s < (req.before ?? Number.MAX_SAFE_INTEGER));
  return { seqs: earlier.slice(Math.max(0, earlier.length - limit)), hasMore: earlier.length > limit };
}

describe("history pager properties", () => {
  it("pages any trimmed log like the model: ascending, contiguous, within bounds, hasMore exact", async () => {
    const request = fc.record(
      {
        anchor: fc.oneof(
          fc.constant(undefined),
          fc.record({ before: fc.nat({ max: 80 }) }),
          fc.record({ after: fc.nat({ max: 80 }) }),
          fc.record({ before: fc.constant(Number.MAX_SAFE_INTEGER) }),
          fc.record({ after: fc.constant(Number.MAX_SAFE_INTEGER) }),
        ),
        limit: fc.option(fc.integer({ min: 1, max: HISTORY_PAGE_MAX }), { nil: undefined }),
      },
      { requiredKeys: ["anchor"] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 25 }),
        fc.array(request, { minLength: 1, maxLength: 6 }),
        async (count, historyLimit, requests) => {
          const stub = env.ROOM.getByName(freshRoom("prop"));
          await runInDurableObject(stub, (_instance, state) => {
            const store = new MessageLog<RoomMessageFrame>(state.storage, { limit: historyLimit });
            for (let i = 1; i <= count; i++) {
              const from = { id: `u${i % 3}`, name: "u" };
              store.append({ userId: from.id }, 1000 + i, (seq, timestamp) => ({
                type: "room_message",
                id: crypto.randomUUID(),
                seq,
                room: "r",
                from,
                content: `m${i}`,
                timestamp,
              }));
            }
            const kept = Array.from({ length: count }, (_, i) => i + 1).filter(
              (s) => s > count - historyLimit,
            );
            for (const { anchor, limit } of requests) {
              const req = { ...anchor, ...(limit !== undefined ? { limit } : {}) };
              const page = store.page(req, 7);
              const expected = modelPage(kept, req, 7);
              expect(page.messages.map((m) => m.seq)).toEqual(expected.seqs);
              expect(page.messages.map((m) => m.content)).toEqual(expected.seqs.map((s) => `m${s}`));
              expect(page.hasMore).toBe(expected.hasMore);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

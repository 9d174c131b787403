/**
 * Client → server frames of wire contract v1, as zod schemas. The server parses
 * every frame with {@link clientFrameSchema}; clients import the inferred types.
 */
import { z } from "zod";

/** Largest `limit` a `history` request may ask for. */
export const HISTORY_PAGE_MAX = 100;

/** Longest `cid` a client may attach to a message. */
export const CID_MAX_CHARS = 64;

const seq = z.number().int().nonnegative();

/** Limits that shape the schema; they come from wrangler vars. */
export interface SchemaLimits {
  maxContentChars: number;
}

/**
 * Builds the schema of every client frame for the given limits. Unknown types and
 * unknown fields are refused (`strict`), so typos fail loudly instead of silently.
 * @example clientFrameSchema({ maxContentChars: 10000 }).safeParse(JSON.parse(text))
 */
export function clientFrameSchema(limits: SchemaLimits) {
  const content = z.string().min(1).max(limits.maxContentChars);
  const cid = z.string().min(1).max(CID_MAX_CHARS);
  return z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("ping") }),
    z.strictObject({
      type: z.literal("room_message"),
      content,
      cid: cid.optional(),
      room: z.string().optional(),
    }),
    z.strictObject({ type: z.literal("typing_indicator"), isTyping: z.boolean() }),
    z.strictObject({
      type: z.literal("private_message"),
      to: z.string().min(1).max(200),
      content,
      cid: cid.optional(),
    }),
    z
      .strictObject({
        type: z.literal("history"),
        before: seq.optional(),
        after: seq.optional(),
        limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).optional(),
      })
      .refine((f) => f.before === undefined || f.after === undefined, {
        message: "give either before or after, not both",
      }),
    z.strictObject({ type: z.literal("join_room"), room: z.string().optional() }),
    z.strictObject({ type: z.literal("leave_room") }),
  ]);
}

/** Every frame a client may send. */
export type ClientFrame = z.infer<ReturnType<typeof clientFrameSchema>>;

/** The client frame whose `type` is `T`. */
export type ClientFrameOf<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;

/**
 * Query of `GET /v1/rooms/:room/messages`: numbers arrive as strings.
 * @example historyQuerySchema.parse({ before: "40", limit: "20" })
 */
export const historyQuerySchema = z
  .strictObject({
    before: z.coerce.number().pipe(seq).optional(),
    after: z.coerce.number().pipe(seq).optional(),
    limit: z.coerce.number().pipe(z.number().int().min(1).max(HISTORY_PAGE_MAX)).optional(),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: "give either before or after, not both",
  });

/** A history request, from a frame or from the HTTP query. */
export interface HistoryRequest {
  before?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
}

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

/**
 * A string whose JavaScript length (UTF-16 code units, as the contract counts)
 * is within bounds. zod's own `min`/`max` count code points, so an emoji would
 * count once instead of twice.
 */
function utf16Length(min: number, max: number) {
  return z.string().refine((s) => s.length >= min && s.length <= max, {
    message: `must be ${min}-${max} UTF-16 code units long`,
  });
}

/**
 * A seq in a query string (`since`, `before`, `after`): digits only, so an empty
 * value is refused rather than read as 0, up to `Number.MAX_SAFE_INTEGER` (the
 * largest integer JSON numbers carry exactly; leading zeros are allowed, the
 * length is bounded so a megabyte of digits is not parsed).
 * @example querySeq.parse("42") // 42
 */
export const querySeq = z
  .string()
  .regex(/^\d{1,32}$/, "a seq is a non-negative integer")
  .transform(Number)
  .refine(Number.isSafeInteger, "a seq is at most 9007199254740991");

/** Longest `reason` a moderator may give. */
export const REASON_MAX_CHARS = 200;

/** Longest token an `auth` frame may carry (real JWTs are far shorter). */
export const TOKEN_MAX_CHARS = 8192;

/**
 * Token refresh on an open socket (rooms and inboxes alike): `auth {token}`,
 * answered `auth_ok {exp}` or `error unauthorized`.
 */
export const authFrameSchema = z.strictObject({
  type: z.literal("auth"),
  token: z.string().min(1).max(TOKEN_MAX_CHARS),
  cid: utf16Length(1, CID_MAX_CHARS).optional(),
});

/** A token refresh frame. */
export type AuthFrame = z.infer<typeof authFrameSchema>;

/** Limits that shape the schema; they come from wrangler vars. */
export interface SchemaLimits {
  maxContentChars: number;
  /** Longest ban or mute (`MODERATION_MAX_DURATION_MS`). */
  moderationMaxDurationMs: number;
  /** Longest slow-mode interval (`SLOW_MODE_MAX_MS`). */
  slowModeMaxMs: number;
}

/** A user id, as tokens carry it in `sub`. */
export const userId = z.string().min(1).max(200);

const pingFrame = z.strictObject({ type: z.literal("ping") });

/** The frames rooms and inboxes both accept, for the given limits. */
function sharedFrames(limits: SchemaLimits) {
  const content = utf16Length(1, limits.maxContentChars);
  const cid = utf16Length(1, CID_MAX_CHARS);
  const privateMessage = z.strictObject({
    type: z.literal("private_message"),
    to: userId,
    content,
    cid: cid.optional(),
  });
  const historyFields = {
    type: z.literal("history"),
    before: seq.optional(),
    after: seq.optional(),
    limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).optional(),
    // Echoed on the answer and on a refusal, so concurrent requests are told apart.
    ref: cid.optional(),
  };
  return { content, cid, privateMessage, historyFields };
}

function eitherBeforeOrAfter<T extends { before?: number | undefined; after?: number | undefined }>(f: T) {
  return f.before === undefined || f.after === undefined;
}
const beforeOrAfter = { message: "give either before or after, not both" };

/**
 * Builds the schema of every room client frame for the given limits. Unknown
 * types and unknown fields are refused (`strict`), so typos fail loudly
 * instead of silently.
 * @example clientFrameSchema({ maxContentChars: 10000 }).safeParse(JSON.parse(text))
 */
export function clientFrameSchema(limits: SchemaLimits) {
  const { content, cid, privateMessage, historyFields } = sharedFrames(limits);
  const reason = utf16Length(1, REASON_MAX_CHARS).optional();
  const durationMs = z.number().int().min(1).max(limits.moderationMaxDurationMs).optional();
  return z.discriminatedUnion("type", [
    pingFrame,
    z.strictObject({
      type: z.literal("room_message"),
      content,
      cid: cid.optional(),
      room: z.string().optional(),
    }),
    z.strictObject({ type: z.literal("typing_indicator"), isTyping: z.boolean() }),
    privateMessage,
    z.strictObject(historyFields).refine(eitherBeforeOrAfter, beforeOrAfter),
    z.strictObject({ type: z.literal("join_room"), room: z.string().optional() }),
    z.strictObject({ type: z.literal("leave_room") }),
    // The seed client's way of sharing a file: base64 inside the frame (so at most
    // MAX_MESSAGE_BYTES). `fileSize`, `room` and `timestamp` are what it also sends.
    z.strictObject({
      type: z.literal("file_share"),
      fileName: z.string(),
      fileType: z.string().max(255),
      fileData: z.string(),
      fileSize: z.number().int().nonnegative().optional(),
      room: z.string().optional(),
      timestamp: z.union([z.number(), z.string()]).optional(),
      cid: cid.optional(),
    }),
    // Moderation (moderators and admins; `delete_message` also the author). The
    // optional `cid` comes back as `ref` on an error and as `cid` on the
    // acting socket's copy of the result, so a client can match its request.
    z.strictObject({ type: z.literal("kick"), userId, reason, cid: cid.optional() }),
    z.strictObject({ type: z.literal("ban"), userId, durationMs, reason, cid: cid.optional() }),
    z.strictObject({ type: z.literal("unban"), userId, cid: cid.optional() }),
    z.strictObject({ type: z.literal("mute"), userId, durationMs, reason, cid: cid.optional() }),
    z.strictObject({ type: z.literal("unmute"), userId, cid: cid.optional() }),
    z.strictObject({ type: z.literal("delete_message"), seq: z.number().int().min(1), cid: cid.optional() }),
    z.strictObject({
      type: z.literal("slow_mode"),
      intervalMs: z.number().int().min(0).max(limits.slowModeMaxMs),
      cid: cid.optional(),
    }),
    authFrameSchema,
  ]);
}

/** Every frame a client may send on a room socket. */
export type ClientFrame = z.infer<ReturnType<typeof clientFrameSchema>>;

/** The client frame whose `type` is `T`. */
export type ClientFrameOf<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;

/**
 * Builds the schema of every inbox client frame: `ping`, `private_message`,
 * `read`, `history` (optionally of one conversation, `with`) and `auth`.
 * @example inboxFrameSchema({ maxContentChars: 10000 }).safeParse(JSON.parse(text))
 */
export function inboxFrameSchema(limits: SchemaLimits) {
  const { privateMessage, historyFields } = sharedFrames(limits);
  return z.discriminatedUnion("type", [
    pingFrame,
    privateMessage,
    z.strictObject({ type: z.literal("read"), with: userId, upTo: seq }),
    z.strictObject({ ...historyFields, with: userId.optional() }).refine(eitherBeforeOrAfter, beforeOrAfter),
    authFrameSchema,
  ]);
}

/** Every frame a client may send on an inbox socket. */
export type InboxClientFrame = z.infer<ReturnType<typeof inboxFrameSchema>>;

/** The inbox client frame whose `type` is `T`. */
export type InboxClientFrameOf<T extends InboxClientFrame["type"]> = Extract<InboxClientFrame, { type: T }>;

/** What a private message asks for, from either kind of socket. */
export type PrivateMessageRequest = Omit<ClientFrameOf<"private_message">, "type">;

/**
 * The request in a `private_message` frame (the frame without its `type`).
 * @example privateRequest({ type: "private_message", to: "bob", content: "hi" })
 */
export function privateRequest(frame: ClientFrameOf<"private_message">): PrivateMessageRequest {
  return { to: frame.to, content: frame.content, ...(frame.cid !== undefined ? { cid: frame.cid } : {}) };
}

/** Longest display name a publisher may give in `from.name` (as tokens' `name`). */
export const NAME_MAX_CHARS = 100;

/**
 * Body of `POST /v1/rooms/:room/messages` (service tokens): the message's
 * `content`, an optional `cid` (retries with the same one are answered with the
 * original result, as on sockets) and an optional `from` (the author shown;
 * default: the service token's own `sub` and `name`).
 * @example publishBodySchema({ maxContentChars: 10000 }).parse({ content: "deploy finished", cid: "d-42" })
 */
export function publishBodySchema(limits: Pick<SchemaLimits, "maxContentChars">) {
  return z.strictObject({
    content: utf16Length(1, limits.maxContentChars),
    cid: utf16Length(1, CID_MAX_CHARS).optional(),
    from: z.strictObject({ id: userId, name: utf16Length(1, NAME_MAX_CHARS) }).optional(),
  });
}

/** A parsed publish body. */
export type PublishBody = z.infer<ReturnType<typeof publishBodySchema>>;

const pageQuery = {
  before: querySeq.optional(),
  after: querySeq.optional(),
  limit: querySeq.pipe(z.number().int().min(1).max(HISTORY_PAGE_MAX)).optional(),
};

/**
 * Query of `GET /v1/rooms/:room/messages`: numbers arrive as strings.
 * @example historyQuerySchema.parse({ before: "40", limit: "20" })
 */
export const historyQuerySchema = z.strictObject(pageQuery).refine(eitherBeforeOrAfter, beforeOrAfter);

/**
 * Query of `GET /v1/inbox/messages`: one conversation (`with`, required).
 * @example conversationQuerySchema.parse({ with: "bob", after: "40" })
 */
export const conversationQuerySchema = z
  .strictObject({ with: userId, ...pageQuery })
  .refine(eitherBeforeOrAfter, beforeOrAfter);

export type { HistoryRequest } from "./requests";

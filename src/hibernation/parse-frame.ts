/**
 * The boundary of a room or an inbox: a raw WebSocket message becomes either a
 * typed client frame (by the object's own schema) or the `error` frame that
 * refuses it. Size is counted in UTF-8 bytes, as the contract says: the
 * platform itself accepts far larger frames.
 */
import type { z } from "zod";
import { ErrorCode } from "../protocol/codes";
import type { ErrorFrame } from "../protocol/frames";
import { CID_MAX_CHARS } from "../protocol/schemas";
import { errorFrame } from "./error-frame";

/** A parsed frame, or the refusal to send back. */
export type ParseResult<F> = { ok: true; frame: F } | { ok: false; error: ErrorFrame };

const encoder = new TextEncoder();

/**
 * UTF-8 length of `text`, without encoding it when the answer is obvious: a
 * UTF-16 code unit takes 1 to 3 UTF-8 bytes.
 */
export function exceedsUtf8Bytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return encoder.encode(text).byteLength > max;
}

function refuse(code: ErrorCode, message: string, ref?: string): { ok: false; error: ErrorFrame } {
  return {
    ok: false,
    error: errorFrame(code, message, { ref }),
  };
}

/**
 * A parser for raw frames: `schema` (built once, by the caller) and a frame size limit.
 * @example const parse = frameParser(clientFrameSchema(config), config.maxMessageBytes);
 */
export function frameParser<F>(
  schema: z.ZodType<F>,
  maxMessageBytes: number,
): (raw: string | ArrayBuffer) => ParseResult<F> {
  return (raw) => {
    if (typeof raw !== "string") {
      if (raw.byteLength > maxMessageBytes) {
        return refuse(ErrorCode.TooLarge, `frames are limited to ${maxMessageBytes} bytes`);
      }
      return refuse(ErrorCode.InvalidMessage, "binary frames are not part of protocol v1");
    }
    if (exceedsUtf8Bytes(raw, maxMessageBytes)) {
      return refuse(ErrorCode.TooLarge, `frames are limited to ${maxMessageBytes} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return refuse(ErrorCode.InvalidJson, "the frame is not valid JSON");
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, frame: parsed.data };
    // A message's `cid`, or a history request's `ref`: whatever the client will match the error by.
    const cid = (json as { cid?: unknown } | null)?.cid ?? (json as { ref?: unknown } | null)?.ref;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return refuse(
      ErrorCode.InvalidMessage,
      `${where}${issue?.message ?? "invalid frame"}`,
      // Echo the cid only when it is itself valid, so the client can match it.
      typeof cid === "string" && cid.length > 0 && cid.length <= CID_MAX_CHARS ? cid : undefined,
    );
  };
}

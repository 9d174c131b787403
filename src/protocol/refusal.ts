/**
 * The one way a refusal is said, whoever refuses (the worker's routes, a room,
 * an inbox, the upload stream) and whichever road it goes back by: a
 * {@link Refusal} is plain data (it crosses RPC, where thrown errors lose their
 * fields), and becomes an `error` frame ({@link refusalFrame}) or an HTTP answer
 * ({@link refusalResponse}) only at the edge, by one function each.
 */
import { ErrorCode, type ErrorReason } from "./codes";
import type { ErrorFrame, FileErrorCode } from "./frames";

/** The HTTP statuses a refusal may carry. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 411 | 413 | 415 | 416 | 426 | 429 | 500 | 503;

/** Why something was refused. */
export interface Refusal {
  /**
   * Stable code: the frame's `code` and the HTTP body's `error`. HTTP-only codes
   * (`quota_exceeded`, `length_mismatch`, …) become a frame code by {@link refusalFrame}'s rule.
   */
  code: ErrorCode | FileErrorCode | (string & {});
  /** For people; may change between releases. */
  message: string;
  /** The HTTP status; when absent, the code's usual one (see {@link refusalStatus}). */
  status?: RefusalStatus | undefined;
  /** When to try again (rate limits, slow mode); over HTTP also `Retry-After` in seconds. */
  retryAfterMs?: number | undefined;
  /** For `forbidden`: why (`muted`). */
  reason?: ErrorReason | undefined;
  /** For a ban or a mute: when it ends (`null`: never). Sent whenever given. */
  until?: number | null | undefined;
}

/** A refusal thrown through code that cannot return one (a route, a stream pipe); the edge answers it. */
export class RefusalError extends Error {
  override name = "RefusalError";
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

const FRAME_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * The `error` frame of a refusal, with `ref` (the frame's `cid`) when known. A
 * code that has no frame counterpart is `too_large` for a 413, else `invalid_message`.
 * @example refusalFrame({ code: "rate_limited", message: "slow down", retryAfterMs: 600 }, "c1")
 */
export function refusalFrame(refusal: Refusal, ref?: string): ErrorFrame {
  const { code, message, status, retryAfterMs, reason, until } = refusal;
  return {
    type: "error",
    code: FRAME_CODES.has(code)
      ? (code as ErrorCode)
      : status === 413
        ? ErrorCode.TooLarge
        : ErrorCode.InvalidMessage,
    message,
    ...(ref ? { ref } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(until !== undefined ? { until } : {}),
  } satisfies ErrorFrame;
}

/** The status a refusal without one is answered with: the frame codes' usual statuses. */
export function refusalStatus(refusal: Refusal): RefusalStatus {
  if (refusal.status !== undefined) return refusal.status;
  switch (refusal.code) {
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.TooLarge:
      return 413;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Unauthorized:
      return 401;
    case ErrorCode.Internal:
      return 500;
    default:
      return 400;
  }
}

/**
 * The HTTP answer to a refusal: `{error, message}` with its status, plus
 * `retryAfterMs` (and `Retry-After` in whole seconds), `reason` and `until` when
 * given. `headers` adds transport headers (CORS, say).
 * @example refusalResponse({ code: "banned", status: 403, message: "…", until: null })
 */
export function refusalResponse(refusal: Refusal, headers: Record<string, string> = {}): Response {
  const { code, message, retryAfterMs, reason, until } = refusal;
  const all: Record<string, string> = { ...headers };
  if (retryAfterMs !== undefined) all["Retry-After"] = String(Math.ceil(retryAfterMs / 1000));
  return Response.json(
    {
      error: code,
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(until !== undefined ? { until } : {}),
    },
    { status: refusalStatus(refusal), headers: all },
  );
}

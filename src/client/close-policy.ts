/**
 * What the client does after a socket ends, by close code (wire contract v1).
 * The rules: never reconnect after a normal close (1000), a policy close
 * (1008) or a kick (4003); after 4001 get a new token first; after 4008 wait
 * longer; anything else (1001 idle/going away, 1006 dropped, 1011, …) is
 * transient and retried with backoff.
 */
import { CloseCode } from "../protocol/codes";
import type { ModerationFrame } from "../protocol/frames";

/** Why a connection ended, as reported in `state` events. */
export type CloseKind =
  /** The server closed normally (1000), e.g. after `leave()`. */
  | "normal"
  /** The application called `close()`. */
  | "client"
  /** Policy close (1008): blocked or origin refused. */
  | "policy"
  /** Kicked or banned (4003). */
  | "kicked"
  /** The token expired (4001), and no token provider could replace it. */
  | "token-expired"
  /** Closed for repeated rate-limit violations (4008). */
  | "rate-limited"
  /** The upgrade was refused with HTTP 401/403/400 (found by the refusal probe). */
  | "refused"
  /** No pong or other frame within the heartbeat timeout. */
  | "heartbeat-timeout"
  /** The socket did not open (or send its welcome) within the connect timeout. */
  | "connect-timeout"
  /** The connection failed or dropped (1006), or the server went away (1001, 1011, …). */
  | "network"
  /** `maxAttempts` reconnects failed. */
  | "gave-up";

/**
 * Why the server refused an upgrade (the `error` of its JSON body), as read by
 * the refusal probe: `token_missing`, `token_invalid` (garbage, bad signature,
 * malformed claims), `token_expired` (get a new token), `origin_not_allowed` (the
 * page's origin is not in the server's ALLOWED_ORIGINS), `room_forbidden` (the
 * token's `rooms` claim does not cover the room), `invalid_room`, `banned`
 * (see `until`), `agent_blocked` and `blocked` (the abuse guard). Other
 * strings may come from newer servers.
 */
export type RefusalCode =
  | "token_missing"
  | "token_invalid"
  | "token_expired"
  | "origin_not_allowed"
  | "room_forbidden"
  | "invalid_room"
  | "banned"
  | "agent_blocked"
  | "blocked"
  | (string & {});

/** A close code and reason with the client's reading of them. */
export interface CloseInfo {
  code: number;
  reason: string;
  kind: CloseKind;
  /** For `refused`: the HTTP status the probe saw. */
  status?: number;
  /** For `refused`: the server's reason, from the refusal body, when known (see {@link RefusalCode}). */
  error?: RefusalCode;
  /** For a ban (`kicked` by a ban, or `refused` with `banned`): when it ends (ms; null = never). */
  until?: number | null;
  /** For `kicked`: the `moderation` frame that removed us (who, why, until when). */
  moderation?: ModerationFrame;
}

/** What to do after a close. */
export type CloseAction = "stop" | "retry" | "refresh-token" | "retry-slow";

/**
 * The kind of a close sent by the server (or reported by the runtime).
 * @example closeKind(4003) // "kicked"
 */
export function closeKind(code: number): CloseKind {
  switch (code) {
    case CloseCode.Normal:
      return "normal";
    case CloseCode.Policy:
      return "policy";
    case CloseCode.Kicked:
      return "kicked";
    case CloseCode.TokenExpired:
      return "token-expired";
    case CloseCode.RateLimited:
      return "rate-limited";
    default:
      return "network";
  }
}

/**
 * The action for a close kind.
 * @example closeAction("kicked") // "stop"
 * @example closeAction("network") // "retry"
 */
export function closeAction(kind: CloseKind): CloseAction {
  switch (kind) {
    case "normal":
    case "client":
    case "policy":
    case "kicked":
    case "refused":
    case "gave-up":
      return "stop";
    case "token-expired":
      return "refresh-token";
    case "rate-limited":
      return "retry-slow";
    default:
      return "retry";
  }
}

/**
 * How a client that saw its own kick or ban (the `moderation` frame before the
 * 4003 close) reports the end: kind `kicked`, with the frame, and `until` for a ban.
 * @example removalInfo(frame).until // a ban's end, null = permanent
 */
export function removalInfo(frame: ModerationFrame): CloseInfo {
  return {
    code: CloseCode.Kicked,
    reason: frame.action === "ban" ? "banned" : "kicked",
    kind: "kicked",
    moderation: frame,
    ...(frame.action === "ban" ? { until: frame.until ?? null } : {}),
  };
}

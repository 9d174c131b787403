/**
 * Stable error codes carried by `error` frames. Clients switch on these; the
 * human `message` beside them may change between releases.
 */
export const ErrorCode = {
  InvalidJson: "invalid_json",
  InvalidMessage: "invalid_message",
  TooLarge: "too_large",
  RateLimited: "rate_limited",
  Forbidden: "forbidden",
  NotFound: "not_found",
  Internal: "internal",
  /** An `auth` frame's token was refused (invalid, expired, another user's): the old one stays in force. */
  Unauthorized: "unauthorized",
} as const;

/** One of the stable error codes of wire contract v1. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why a `forbidden` was given, when a client can explain it to its user
 * (`error.reason`): `muted` — the sender is muted in the room, until `error.until`.
 * Newer servers may add reasons (say, `edit_window`); treat an unknown one as no reason.
 */
export type ErrorReason = "muted";

/**
 * WebSocket close codes Roomcast sends. 1005, 1006 and 1015 are reserved by
 * RFC 6455 for the receiving side's bookkeeping: they must never be sent in a
 * close frame (the runtime throws if you try), so none of them is listed here.
 */
export const CloseCode = {
  /** The client left (`leave_room`) or closed normally. Do not reconnect. */
  Normal: 1000,
  /** Idle for longer than `IDLE_TIMEOUT_MS`, or the server is going away. */
  GoingAway: 1001,
  /** Policy violation (blocked, origin). Do not reconnect. */
  Policy: 1008,
  /** The runtime itself refused an oversized frame. */
  TooBig: 1009,
  /** Internal error. */
  Internal: 1011,
  /** The token expired: fetch a new token, then reconnect. */
  TokenExpired: 4001,
  /** Kicked or banned. Do not reconnect. */
  Kicked: 4003,
  /** Closed for repeated rate-limit violations: back off longer. */
  RateLimited: 4008,
} as const;

/** One of the close codes Roomcast sends. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Close codes a peer may report but that must never be put in a close frame.
 * @example isReservedCloseCode(1006) // true: close with 1000 instead of echoing it
 */
export function isReservedCloseCode(code: number): boolean {
  return code === 1005 || code === 1006 || code === 1015;
}

/** The subprotocol a browser offers (with `bearer.<jwt>`) and the server answers. */
export const SUBPROTOCOL = "roomcast.v1";

/** Prefix of the subprotocol entry that carries the token in browsers. */
export const BEARER_SUBPROTOCOL_PREFIX = "bearer.";

/** The exact heartbeat text answered by the runtime's auto-response. */
export const PING_FRAME = '{"type":"ping"}';

/** The auto-response to {@link PING_FRAME}. */
export const PONG_FRAME = '{"type":"pong"}';

/**
 * Upgrade query that opts a client into batched presence (`presence_diff` frames):
 * `?presence=diff`. Clients that do not send it get `user_joined`/`user_left` only.
 */
export const PRESENCE_DIFF_QUERY = { name: "presence", value: "diff" } as const;

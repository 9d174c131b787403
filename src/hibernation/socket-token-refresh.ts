/**
 * `auth {token}` on an open socket: a fresh token replaces the socket's old one
 * without a reconnect. Checked like an upgrade's (same keys and policy, same
 * user, the object's scope); the socket then expires at the new `exp`, which the
 * sweep reads from the attachment. Any refusal leaves the old token in force.
 */
import { checkRefreshToken, type RefreshScope } from "../auth/token-refresh";
import type { Identity } from "../auth/verify";
import { ErrorCode } from "../protocol/codes";
import type { AuthOkFrame } from "../protocol/frames";
import type { AuthFrame } from "../protocol/schemas";
import { readAttachment, type SocketAttachment, writeAttachment } from "./attachment";
import { errorFrame } from "./error-frame";
import { sendFrame } from "./sockets";

/** What a refresh needs of the object that owns the socket. */
export interface TokenRefreshOwner<A extends SocketAttachment> {
  readonly env: Env;
  /** What the token must still cover besides the user (a room socket's room). */
  scope(att: A): RefreshScope;
  /** Updates what the object derives from the token (a role); the attachment is written after. */
  refreshed(att: A, identity: Identity): void;
  /** Makes sure the sweep runs by `due` (the new expiry). */
  ensureAlarmBy(due: number): Promise<void>;
}

/**
 * Checks `frame.token` and, if it passes, moves the socket onto it and answers `auth_ok`.
 * @example await refreshSocketToken(ws, frame, owner);
 */
export async function refreshSocketToken<A extends SocketAttachment>(
  ws: WebSocket,
  frame: AuthFrame,
  owner: TokenRefreshOwner<A>,
): Promise<void> {
  const before = readAttachment<A>(ws);
  if (!before) return;
  const outcome = await checkRefreshToken(owner.env, frame.token, owner.scope(before));
  if (!outcome.ok) {
    const code = outcome.code === "unauthorized" ? ErrorCode.Unauthorized : ErrorCode.Internal;
    sendFrame(ws, errorFrame(code, outcome.message, { ref: frame.cid }));
    return;
  }
  // Verification awaited crypto, so other frames of this socket may have run
  // meanwhile: update the attachment as it is now, not as it was.
  const att = readAttachment<A>(ws);
  if (!att || att.left) return;
  att.exp = outcome.identity.exp;
  owner.refreshed(att, outcome.identity);
  writeAttachment(ws, att);
  await owner.ensureAlarmBy(att.exp * 1000);
  sendFrame(ws, {
    type: "auth_ok",
    exp: att.exp,
    ...(frame.cid ? { cid: frame.cid } : {}),
  } satisfies AuthOkFrame);
}

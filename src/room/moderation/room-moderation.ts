/**
 * A room's moderation state: bans, mutes, slow mode and the audit log, each
 * in SQLite and cached in memory, and the checks the room's hot paths ask
 * (a ban at upgrade, a mute or slow mode per message or file) answered from that cache.
 */
import type { Config } from "../../config";
import type { StoredEntry } from "../../files/room-files";
import { errorFrame } from "../../hibernation/error-frame";
import type { MessageLog } from "../../hibernation/message-log";
import { ErrorCode } from "../../protocol/codes";
import type { ErrorFrame, RoomSettings } from "../../protocol/frames";
import type { ConnectionAttachment } from "../attachment";
import { AuditLog } from "./audit-log";
import { createRestrictionsTable, Restrictions } from "./restrictions";
import { SlowMode } from "./slow-mode";

/** Who posts (a message or a file): the user, and their role when it may moderate this room. */
export type Poster = Pick<ConnectionAttachment, "user" | "role">;

/**
 * Why a poster may not post now: muted (until `until`, null = permanent), or
 * slow mode (`retryAfterMs` left). Mapped at each road's edge: an `error` frame
 * ({@link RoomModeration.messageRefusal}) or an upload's HTTP refusal.
 */
export type PostingRefusal =
  | { kind: "muted"; message: string; until: number | null }
  | { kind: "slow_mode"; message: string; retryAfterMs: number };

/** Bans, mutes, slow mode and the audit log of one room. */
export class RoomModeration {
  readonly bans: Restrictions;
  readonly mutes: Restrictions;
  readonly log: AuditLog;
  readonly slowMode: SlowMode;

  constructor(sql: SqlStorage, store: MessageLog<StoredEntry>, config: Pick<Config, "moderationLogLimit">) {
    createRestrictionsTable(sql);
    this.bans = new Restrictions(sql, "ban");
    this.mutes = new Restrictions(sql, "mute");
    this.log = new AuditLog(sql, config.moderationLogLimit);
    this.slowMode = new SlowMode(sql, (userId) => store.lastTimestampOf(userId));
  }

  /** The settings every welcome carries. */
  settings(): RoomSettings {
    return { slowModeMs: this.slowMode.intervalMs };
  }

  /**
   * Why this connection may not send a message now (muted: `forbidden` with
   * `reason: "muted"` and the mute's `until`; slow mode: `rate_limited` with
   * `retryAfterMs`), or undefined when it may (see {@link postingRefusal}).
   */
  messageRefusal(att: Poster, now: number, ref: string | undefined): ErrorFrame | undefined {
    const refusal = this.postingRefusal(att, now);
    if (!refusal) return undefined;
    // `reason` and `until` let a client say "muted until 14:05" instead of "not allowed".
    return refusal.kind === "muted"
      ? errorFrame(ErrorCode.Forbidden, refusal.message, { ref, reason: "muted", until: refusal.until })
      : errorFrame(ErrorCode.RateLimited, refusal.message, { ref, retryAfterMs: refusal.retryAfterMs });
  }

  /**
   * Why `poster` may not post now, whatever they post (a message, an upload, an
   * in-frame file), or undefined when they may. Admins are above both;
   * moderators above slow mode.
   */
  postingRefusal(poster: Poster, now: number): PostingRefusal | undefined {
    if (poster.role === "admin") return undefined;
    const mute = this.mutes.active(poster.user.id, now);
    if (mute) {
      const until = mute.until === null ? "" : ` until ${new Date(mute.until).toISOString()}`;
      return { kind: "muted", message: `you are muted in this room${until}`, until: mute.until };
    }
    if (poster.role === "moderator") return undefined;
    const waitMs = this.slowMode.waitMs(poster.user.id, now);
    if (waitMs > 0) {
      return {
        kind: "slow_mode",
        message: "slow mode is on: wait before sending again",
        retryAfterMs: waitMs,
      };
    }
    return undefined;
  }
}

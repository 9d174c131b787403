/**
 * A room's moderation state: bans, mutes, slow mode and the audit log, each
 * in SQLite and cached in memory, and the checks the room's hot paths ask
 * (a ban at upgrade, a mute or slow mode per message or file) answered from that cache.
 */
import type { Config } from "../../config";
import type { MessageLog } from "../../hibernation/message-log";
import { ErrorCode } from "../../protocol/codes";
import type { RoomSettings } from "../../protocol/frames";
import type { Refusal } from "../../protocol/refusal";
import type { ConnectionAttachment } from "../attachment";
import type { StoredEntry } from "../stored-entry";
import { AuditLog } from "./audit-log";
import { createRestrictionsTable, Restrictions } from "./restrictions";
import { SlowMode } from "./slow-mode";

/** Who posts (a message or a file): the user, and their role when it may moderate this room. */
export type Poster = Pick<ConnectionAttachment, "user" | "role">;

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
   * Why `poster` may not post now, whatever they post (a message, an upload, an
   * in-frame file), or undefined when they may: muted is `403 forbidden` with
   * `reason: "muted"` and the mute's `until` (so a client can say "muted until
   * 14:05"), slow mode `429 rate_limited` with `retryAfterMs`. Admins are above
   * both; moderators above slow mode.
   */
  postingRefusal(poster: Poster, now: number): Refusal | undefined {
    if (poster.role === "admin") return undefined;
    const mute = this.mutes.active(poster.user.id, now);
    if (mute) {
      const until = mute.until === null ? "" : ` until ${new Date(mute.until).toISOString()}`;
      return {
        code: ErrorCode.Forbidden,
        status: 403,
        message: `you are muted in this room${until}`,
        reason: "muted",
        until: mute.until,
      };
    }
    if (poster.role === "moderator") return undefined;
    const waitMs = this.slowMode.waitMs(poster.user.id, now);
    if (waitMs > 0) {
      return {
        code: ErrorCode.RateLimited,
        status: 429,
        message: "slow mode is on: wait before sending again",
        retryAfterMs: waitMs,
      };
    }
    return undefined;
  }
}

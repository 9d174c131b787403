/**
 * A room's moderation state: bans, mutes, slow mode and the audit log, each
 * in SQLite and cached in memory, and the checks the room's hot paths ask
 * (a ban at upgrade, a mute or slow mode per message) answered from that cache.
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
   * `retryAfterMs`), or undefined when it may.
   * Admins are above both; moderators above slow mode.
   */
  messageRefusal(att: ConnectionAttachment, now: number, ref: string | undefined): ErrorFrame | undefined {
    if (att.role === "admin") return undefined;
    const mute = this.mutes.active(att.user.id, now);
    if (mute) {
      const until = mute.until === null ? "" : ` until ${new Date(mute.until).toISOString()}`;
      // `reason` and `until` let a client say "muted until 14:05" instead of "not allowed".
      return errorFrame(ErrorCode.Forbidden, `you are muted in this room${until}`, {
        ref,
        reason: "muted",
        until: mute.until,
      });
    }
    if (att.role === "moderator") return undefined;
    const waitMs = this.slowMode.waitMs(att.user.id, now);
    if (waitMs > 0) {
      return errorFrame(ErrorCode.RateLimited, "slow mode is on: wait before sending again", {
        ref,
        retryAfterMs: waitMs,
      });
    }
    return undefined;
  }
}

/**
 * The objects' part in the abuse guard (rooms and anything else built on
 * HibernatingObject): they report strikes against a connection's IP (a 4008
 * close, a burst of invalid frames, a content-policy rejection) and apply the
 * content policy to messages. Reports are fire-and-forget (`ctx.waitUntil`), so
 * they never slow the message path; a lost report costs one strike, never a message.
 */
import type { Config } from "../config";
import type { SocketAttachment } from "../hibernation/attachment";
import { matchesContentPolicy } from "./content-policy";
import { guardFor } from "./guard-shard";
import type { StrikeReason } from "./types";

/** Strike reporting and the content policy for one object with sockets. */
export class AbuseReports {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly config: Config,
  ) {}

  /** One strike against the connection's IP (none when the worker saw no IP). */
  strike(att: SocketAttachment, reason: StrikeReason): void {
    const ip = att.ip;
    if (ip === undefined) return;
    this.ctx.waitUntil(
      guardFor(this.env, ip)
        .strike(ip, reason)
        .catch((err: unknown) => {
          console.error(`strike report failed: ${err instanceof Error ? err.message : String(err)}`);
        }),
    );
  }

  /**
   * Counts an invalid frame on this connection; every `INVALID_FRAME_STRIKE_AFTER`
   * of them make a strike. Changes `att` (the caller writes it).
   */
  invalidFrame(att: SocketAttachment): void {
    att.invalidFrames = (att.invalidFrames ?? 0) + 1;
    if (att.invalidFrames >= this.config.invalidFrameStrikeAfter) {
      att.invalidFrames = 0;
      this.strike(att, "invalid_frames");
    }
  }

  /**
   * Applies `CONTENT_POLICY` to a message: whether it may be stored. `flag`
   * accepts and logs it; `reject` refuses it and strikes the sender's IP.
   */
  admitsContent(att: SocketAttachment, content: string, where: string): boolean {
    if (this.config.contentPolicy === "off" || !matchesContentPolicy(content)) return true;
    console.log(
      JSON.stringify({
        event: "content_policy",
        action: this.config.contentPolicy,
        where,
        user: att.user.id,
      }),
    );
    if (this.config.contentPolicy === "flag") return true;
    this.strike(att, "content_policy");
    return false;
  }
}

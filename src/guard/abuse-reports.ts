/**
 * The objects' part in the abuse guard (rooms and anything else built on
 * HibernatingObject): they report strikes against a connection's IP (a 4008
 * close, a burst of invalid frames, a content-policy rejection) and apply the
 * content policy to messages. Reports never delay an answer: the frame is
 * answered first, and the event awaits its reports only at its end; a lost
 * report costs one strike, never a message.
 */
import type { Config } from "../config";
import type { SocketAttachment } from "../hibernation/attachment";
import { CloseCode } from "../protocol/codes";
import { tallyPolicy } from "../stats/frame-tally";
import { matchesContentPolicy } from "./content-policy";
import { guardFor } from "./guard-shard";
import type { StrikeReason } from "./types";

/** What strike reporting needs of the object whose sockets it watches. */
export interface SocketOwner {
  /** The object's live connections: open sockets it has not closed, with their attachments. */
  connections(): readonly { ws: WebSocket; att: SocketAttachment }[];
  /** Closes `ws` from the server side, with the object's departure bookkeeping. */
  depart(ws: WebSocket, att: SocketAttachment, code: CloseCode, reason: string): void;
}

/** Strike reporting and the content policy for one object with sockets. */
export class AbuseReports {
  /**
   * `owner` is the object whose sockets these are: when a strike reported here
   * blocks an IP, its open sockets here are closed (the block itself only
   * refuses new connects at the edge, and these sockets are what earned it).
   */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly config: Config,
    private readonly owner: SocketOwner,
  ) {}

  /** Reports made during the current event, not yet awaited. */
  #pending: Promise<void>[] = [];

  /**
   * One strike against the connection's IP (none when the worker saw no IP).
   * Sent at once; the event that made it awaits it with {@link settle}.
   */
  strike(att: Pick<SocketAttachment, "ip">, reason: StrikeReason): void {
    const ip = att.ip;
    if (ip === undefined) return;
    const report = guardFor(this.env, ip)
      .strike(ip, reason)
      .then((blocked) => {
        if (blocked) this.#closeFrom(ip);
      })
      .catch((err: unknown) => {
        console.error(`strike report failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    this.#pending.push(report);
    // Also kept alive past the event, should a caller not settle.
    this.ctx.waitUntil(report);
  }

  /**
   * The reports made since the last call, for the event to await before it
   * ends (undefined when there are none, so the message path adds no await).
   * Awaited inside the event because closing sockets from a continuation that
   * outlives the event does not reach the client.
   */
  settle(): Promise<unknown> | undefined {
    if (this.#pending.length === 0) return undefined;
    const reports = this.#pending;
    this.#pending = [];
    return Promise.all(reports);
  }

  /** Closes every open socket from `ip` (a guard key) with 1008: the address is blocked. */
  #closeFrom(ip: string): void {
    for (const { ws, att } of this.owner.connections()) {
      if (att.ip === ip) this.owner.depart(ws, att, CloseCode.Policy, "blocked");
    }
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
   * accepts and logs it; `reject` refuses it and strikes the sender's IP (a
   * service publishing over HTTP has none here: nothing to strike).
   */
  admitsContent(att: Pick<SocketAttachment, "user" | "ip">, content: string, where: string): boolean {
    if (this.config.contentPolicy === "off" || !matchesContentPolicy(content)) return true;
    console.log(
      JSON.stringify({
        event: "content_policy",
        action: this.config.contentPolicy,
        where,
        user: att.user.id,
      }),
    );
    tallyPolicy(this.config.contentPolicy);
    if (this.config.contentPolicy === "flag") return true;
    this.strike(att, "content_policy");
    return false;
  }
}

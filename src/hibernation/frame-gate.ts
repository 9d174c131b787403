/**
 * The boundary every client frame of a hibernating object passes before a
 * handler sees it: pings are answered, everything else costs a token from the
 * message budget (or from a lighter budget of its own, for one frame type),
 * refusals count strikes and enough of them close the socket with 4008, and
 * invalid frames are refused and reported to the abuse guard. The verdict is
 * reached at once; refusals are handed to the owner, which sends them behind
 * the acks of the socket's earlier frames still under way.
 */
import type { z } from "zod";
import type { AbuseReports } from "../guard/abuse-reports";
import { CloseCode, ErrorCode } from "../protocol/codes";
import type { ErrorFrame } from "../protocol/frames";
import type { SocketAttachment } from "./attachment";
import { errorFrame } from "./error-frame";
import { frameParser, type ParseResult } from "./parse-frame";
import type { RateLimiter } from "./rate-limiter";
import { sendFrame } from "./sockets";

/** Every client frame has a type; `ping` is the one every object answers itself. */
export interface TypedFrame {
  type: string;
}

/** What the gate needs of the object whose frames it admits. */
export interface GateOwner {
  /** Closes `ws` from the server side, with the object's departure bookkeeping. */
  depart(ws: WebSocket, att: SocketAttachment, code: CloseCode, reason: string): void;
  /** Sends a refusal of one of `ws`'s frames, behind what its earlier frames still have to say. */
  refuse(ws: WebSocket, refusal: ErrorFrame): void;
  readonly abuse: Pick<AbuseReports, "strike" | "invalidFrame">;
}

/** A frame that passed (if any), and whether a token was taken (the event then saves the counters). */
export interface Admission<F> {
  frame?: F;
  charged: boolean;
}

/** The per-object gate; built once per wake-up. */
export class FrameGate<F extends TypedFrame> {
  readonly #parse: (raw: string | ArrayBuffer) => ParseResult<F>;
  /**
   * Frames of type `light.type` take from this bucket first, and from the
   * message budget only when it is empty (a room sets it for typing
   * indicators, so typing does not spend what the documented message limit promises).
   */
  light: { type: F["type"]; limiter: RateLimiter } | undefined;

  constructor(
    schema: z.ZodType<F>,
    maxMessageBytes: number,
    private readonly limiter: RateLimiter,
    private readonly strikesToClose: number,
    private readonly owner: GateOwner,
  ) {
    this.#parse = frameParser(schema, maxMessageBytes);
  }

  /** Admits one raw frame from `ws` (see the module comment); `att` is updated, not written. */
  admit(ws: WebSocket, att: SocketAttachment, raw: string | ArrayBuffer, now: number): Admission<F> {
    const parsed = this.#parse(raw);
    if (parsed.ok && parsed.frame.type === "ping") {
      // A ping that is not byte-for-byte the auto-response text still gets a pong.
      sendFrame(ws, { type: "pong" });
      return { charged: false };
    }
    // Every other frame, valid or not, costs a token: floods of garbage are limited too.
    const verdict =
      parsed.ok && this.light?.type === parsed.frame.type && this.light.limiter.take(att.user.id, now).ok
        ? ({ ok: true } as const)
        : this.limiter.take(att.user.id, now);
    if (!verdict.ok) {
      att.strikes += 1;
      const ref = parsed.ok ? cidOf(parsed.frame) : parsed.error.ref;
      this.owner.refuse(
        ws,
        errorFrame(ErrorCode.RateLimited, "too many messages; slow down", {
          ref,
          retryAfterMs: verdict.retryAfterMs,
        }),
      );
      if (att.strikes >= this.strikesToClose) {
        this.owner.depart(ws, att, CloseCode.RateLimited, "rate limit exceeded");
        this.owner.abuse.strike(att, "rate_limit_close");
      }
      return { charged: true };
    }
    att.strikes = 0;
    if (!parsed.ok) {
      this.owner.refuse(ws, parsed.error);
      this.owner.abuse.invalidFrame(att);
      return { charged: true };
    }
    return { frame: parsed.frame, charged: true };
  }

  /** Old buckets out of both budgets (the sweep calls this). */
  prune(now: number): void {
    this.limiter.prune(now);
    this.light?.limiter.prune(now);
  }
}

/**
 * The id an error about `frame` echoes as `ref`: its `cid`, or a history request's `ref`.
 * @example cidOf({ type: "room_message", cid: "k3" }) // "k3"
 */
export function cidOf(frame: TypedFrame): string | undefined {
  const cid = (frame as { cid?: unknown }).cid ?? (frame as { ref?: unknown }).ref;
  return typeof cid === "string" ? cid : undefined;
}

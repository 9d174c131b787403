/**
 * One socket, from the upgrade to its end. It parses frames, runs the
 * heartbeat and the connect timeout, and reports its end exactly once —
 * whichever comes first of a close, an error, or a timeout — because the
 * platforms disagree: Node 22's WebSocket fires only `error` (no `close`) when
 * an upgrade fails, browsers fire `error` then `close` 1006, and a dead peer
 * fires nothing at all.
 */
import type { AnyServerFrame } from "../protocol/frames";
import { type CloseInfo, closeKind } from "./close-policy";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat";
import { Timer, type Timing } from "./timing";

/** What the owner of a connection hears from it. */
export interface ConnectionHandlers {
  frame(frame: AnyServerFrame): void;
  /** Called once. `welcomed`: the welcome had arrived (the room or inbox accepted us). */
  end(info: CloseInfo, welcomed: boolean): void;
}

/** Settings of one connection. */
export interface ConnectionOptions {
  timing: Timing;
  /** From the upgrade to the welcome. */
  connectTimeoutMs: number;
  heartbeat: HeartbeatOptions | false;
}

/** Close code the client uses when it abandons a socket (4000-4999 are for applications). */
const ABANDON_CODE = 4000;

/**
 * A socket with its heartbeat and timeouts.
 * @example const conn = new Connection(new WebSocket(url), options, { frame, end });
 */
export class Connection {
  readonly #ws: WebSocket;
  readonly #heartbeat: Heartbeat | undefined;
  readonly #connectTimer: Timer;
  #welcomed = false;
  #ended = false;

  constructor(
    ws: WebSocket,
    options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.#ws = ws;
    this.#connectTimer = new Timer(options.timing);
    this.#connectTimer.arm(
      () => this.abandon({ code: ABANDON_CODE, reason: "connect timeout", kind: "connect-timeout" }),
      options.connectTimeoutMs,
    );
    if (options.heartbeat) {
      this.#heartbeat = new Heartbeat(
        options.timing,
        options.heartbeat,
        (text) => this.send(text),
        () => this.abandon({ code: ABANDON_CODE, reason: "heartbeat timeout", kind: "heartbeat-timeout" }),
      );
    }
    ws.addEventListener("open", () => this.#heartbeat?.start());
    ws.addEventListener("message", (event) => this.#onMessage(event.data));
    ws.addEventListener("error", () => {
      // Before the upgrade completed Node fires no close at all; after it, a close follows
      // with the real code, unless the transport died (then the error is all there is).
      if (this.#ws.readyState !== 1) this.#end({ code: 1006, reason: "connection failed", kind: "network" });
    });
    ws.addEventListener("close", (event) => {
      this.#end({ code: event.code, reason: event.reason, kind: closeKind(event.code) });
    });
  }

  /** Whether the welcome arrived and the socket has not ended. */
  get open(): boolean {
    return this.#welcomed && !this.#ended;
  }

  /** Writes a text frame; false when the socket is not open. */
  send(text: string): boolean {
    if (this.#ended || this.#ws.readyState !== 1) return false;
    try {
      this.#ws.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Ends the connection now with `info`, without waiting for the closing
   * handshake (a dead peer never answers it).
   */
  abandon(info: CloseInfo): void {
    if (this.#ended) return;
    try {
      this.#ws.close(info.code >= 4000 || info.code === 1000 ? info.code : ABANDON_CODE, info.reason);
    } catch {
      // Not open yet in some runtimes: there is nothing to close cleanly.
    }
    this.#end(info);
  }

  #onMessage(data: unknown): void {
    if (this.#ended) return;
    this.#heartbeat?.alive();
    if (typeof data !== "string") return; // Binary frames are not part of v1.
    let frame: AnyServerFrame;
    try {
      frame = JSON.parse(data) as AnyServerFrame;
    } catch {
      return;
    }
    if (frame === null || typeof frame !== "object" || typeof frame.type !== "string") return;
    if (frame.type === "welcome" || frame.type === "inbox_welcome") {
      this.#welcomed = true;
      this.#connectTimer.cancel();
    }
    this.handlers.frame(frame);
  }

  #end(info: CloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#connectTimer.cancel();
    this.#heartbeat?.stop();
    this.handlers.end(info, this.#welcomed);
  }
}

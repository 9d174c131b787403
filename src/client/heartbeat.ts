/**
 * Detects dead connections. A socket whose peer vanished (a laptop lid closed,
 * a NAT entry expired, a proxy that stopped forwarding) can look open for
 * minutes; only traffic proves it is alive. Every `intervalMs` the client
 * sends `{"type":"ping"}` (the room's runtime answers it without waking the
 * room); if no frame at all arrives within `timeoutMs` after a ping, the
 * connection is declared dead.
 *
 * Heartbeats keep running while a page is hidden: the room closes sockets
 * that send nothing for `IDLE_TIMEOUT_MS` (60 s by default), so pausing them
 * would turn every background tab into a reconnect. Browsers may throttle a
 * hidden tab's timers to about once a minute; a late ping can then let the
 * room close the socket as idle (1001), which the client treats as a
 * transient drop and resumes from.
 */
import { PING_FRAME } from "../protocol/codes";
import { Timer, type Timing } from "./timing";

/** Heartbeat settings. */
export interface HeartbeatOptions {
  /** Time between pings. Default 30000 ms (half the room's default idle timeout). */
  intervalMs: number;
  /** How long after a ping a frame must arrive. Default 10000 ms. */
  timeoutMs: number;
}

/** The defaults of {@link HeartbeatOptions}. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 30_000, timeoutMs: 10_000 };

/**
 * Pings on a schedule and reports a connection that stopped answering.
 * @example
 * const hb = new Heartbeat(systemTiming, DEFAULT_HEARTBEAT, (t) => ws.send(t), () => ws.close());
 * hb.start(); ws.onmessage = () => hb.alive(); ws.onclose = () => hb.stop();
 */
export class Heartbeat {
  readonly #interval: Timer;
  readonly #deadline: Timer;

  constructor(
    timing: Timing,
    private readonly options: HeartbeatOptions,
    private readonly sendPing: (text: string) => void,
    private readonly onDead: () => void,
  ) {
    this.#interval = new Timer(timing);
    this.#deadline = new Timer(timing);
  }

  /** Starts pinging (from an open socket). */
  start(): void {
    this.#schedule();
  }

  /** Any frame arrived: the connection is alive. */
  alive(): void {
    this.#deadline.cancel();
  }

  /** Stops all timers. */
  stop(): void {
    this.#interval.cancel();
    this.#deadline.cancel();
  }

  #schedule(): void {
    this.#interval.arm(() => {
      this.sendPing(PING_FRAME);
      // A deadline already running stays: a pong overdue is still overdue.
      if (!this.#deadline.armed) {
        this.#deadline.arm(() => {
          this.stop();
          this.onDead();
        }, this.options.timeoutMs);
      }
      this.#schedule();
    }, this.options.intervalMs);
  }
}

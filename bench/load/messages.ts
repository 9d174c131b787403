/**
 * What the coordinator (bench/load/driver.ts) and the load threads
 * (bench/load/pool-worker.ts) say to each other. Every request carries an id;
 * every reply echoes it.
 */
import type { HistogramData } from "./histogram";

/** One client to open. */
export interface ClientSpec {
  /** Index in the room (unique per scenario); senders put it in their cids. */
  index: number;
  url: string;
  headers?: Record<string, string>;
  /** Sends `private_message`s to this user id instead of `room_message`s (an inbox socket). */
  to?: string;
}

/** How a sender paces itself. */
export type SendPlan =
  | { kind: "rate"; perSecond: number }
  /** Flat out: keep `window` messages unanswered (answered = acked, or echoed back). */
  | { kind: "window"; window: number };

export type Request =
  | { id: number; cmd: "connect"; clients: ClientSpec[]; concurrency: number; timeoutMs: number }
  /** Zero the traffic counters and set the end of the send phase (µs, bench clock). */
  | { id: number; cmd: "arm"; endUs: number; ackVia: "ack" | "echo" }
  | {
      id: number;
      cmd: "send";
      senders: number[];
      plan: SendPlan;
      startUs: number;
      endUs: number;
      contentChars: number;
    }
  | { id: number; cmd: "stats" }
  | { id: number; cmd: "ping"; intervalMs: number; durationMs: number }
  | { id: number; cmd: "close"; timeoutMs: number };

export interface ConnectReply {
  connected: number;
  failed: number;
  errors: string[];
  /** open → first frame (welcome), per client. */
  connectHist: HistogramData;
  firstStartUs: number;
  lastReadyUs: number;
}

export interface SendReply {
  sent: number;
  /** Bytes still in the senders' own socket buffers when the send phase ended. */
  bufferedBytes: number;
}

export interface TrafficStats {
  /** Bench messages received, all clients. */
  received: number;
  /** ... of which before the end of the send phase. */
  receivedInPhase: number;
  /** Acks (or own echoes, see `ackVia`) received by senders. */
  answered: number;
  answeredInPhase: number;
  /** Other frames (presence, errors, ...). */
  otherFrames: number;
  errorFrames: number;
  lastReceiveUs: number;
  latency: HistogramData;
  ackLatency: HistogramData;
  open: number;
}

export interface PingReply {
  pings: number;
  pongs: number;
}

export interface CloseReply {
  closed: number;
  terminated: number;
}

export type ReplyBody = ConnectReply | SendReply | TrafficStats | PingReply | CloseReply | { ok: true };

export interface Reply {
  id: number;
  body?: ReplyBody;
  error?: string;
}

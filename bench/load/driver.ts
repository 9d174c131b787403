/**
 * The coordinator side of the load generator: a few worker threads, each with
 * its own event loop and a slice of the room's clients, so receiving a room's
 * fan-out is spread over more than one core. Requests go to every thread and
 * their replies are merged.
 */
import { Worker } from "node:worker_threads";
import { nowUs } from "./clock";
import { type HistogramData, mergeHistograms } from "./histogram";
import type {
  ClientSpec,
  CloseReply,
  ConnectReply,
  PingReply,
  Reply,
  ReplyBody,
  Request,
  SendPlan,
  SendReply,
  TrafficStats,
} from "./messages";

type Body<R> = R extends { id: number } ? Omit<R, "id"> : never;

/** Merged connect results of every thread. */
export interface ConnectResult {
  connected: number;
  failed: number;
  errors: string[];
  connectHist: HistogramData;
  wallMs: number;
}

/** A running set of load threads. Always {@link LoadDriver.stop} it. */
export class LoadDriver {
  readonly #threads: Worker[];
  readonly #pending = new Map<number, { resolve: (b: ReplyBody) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor(threads: number) {
    this.#threads = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL("./pool-worker.ts", import.meta.url));
      worker.on("message", (reply: Reply) => {
        const waiter = this.#pending.get(reply.id);
        if (!waiter) return;
        this.#pending.delete(reply.id);
        if (reply.error !== undefined) waiter.reject(new Error(reply.error));
        else waiter.resolve(reply.body ?? { ok: true });
      });
      worker.on("error", (err) => {
        for (const w of this.#pending.values()) w.reject(err);
        this.#pending.clear();
      });
      return worker;
    });
  }

  get threads(): number {
    return this.#threads.length;
  }

  #ask<T extends ReplyBody>(thread: number, body: Body<Request>): Promise<T> {
    const worker = this.#threads[thread];
    if (!worker) throw new Error(`no thread ${thread}`);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: (b) => resolve(b as T), reject });
      worker.postMessage({ ...body, id });
    });
  }

  #all<T extends ReplyBody>(body: Body<Request>): Promise<T[]> {
    return Promise.all(this.#threads.map((_, i) => this.#ask<T>(i, body)));
  }

  /** Which thread holds client `index` (round robin). */
  threadOf(index: number): number {
    return index % this.#threads.length;
  }

  /** Opens clients, `concurrency` handshakes in flight in total. */
  async connect(clients: ClientSpec[], concurrency: number, timeoutMs = 30_000): Promise<ConnectResult> {
    const slices = this.#threads.map((_, t) => clients.filter((c) => this.threadOf(c.index) === t));
    const perThread = Math.max(1, Math.ceil(concurrency / this.#threads.length));
    const started = nowUs();
    const replies = await Promise.all(
      slices.map((slice, t) =>
        this.#ask<ConnectReply>(t, { cmd: "connect", clients: slice, concurrency: perThread, timeoutMs }),
      ),
    );
    const lastReady = Math.max(...replies.map((r) => (r.connected > 0 ? r.lastReadyUs : started)));
    return {
      connected: replies.reduce((n, r) => n + r.connected, 0),
      failed: replies.reduce((n, r) => n + r.failed, 0),
      errors: replies.flatMap((r) => r.errors).slice(0, 5),
      connectHist: mergeHistograms(replies.map((r) => r.connectHist)),
      wallMs: (lastReady - started) / 1000,
    };
  }

  /** Zeroes the traffic counters; deliveries after `endUs` count as drained, not in-phase. */
  async arm(endUs: number, ackVia: "ack" | "echo"): Promise<void> {
    await this.#all({ cmd: "arm", endUs, ackVia });
  }

  /** Runs the send phase on the threads that hold the senders; resolves when it ends. */
  async send(
    senders: number[],
    plan: SendPlan,
    startUs: number,
    endUs: number,
    contentChars: number,
  ): Promise<SendReply> {
    const replies = await this.#all<SendReply>({ cmd: "send", senders, plan, startUs, endUs, contentChars });
    return {
      sent: replies.reduce((n, r) => n + r.sent, 0),
      bufferedBytes: replies.reduce((n, r) => n + r.bufferedBytes, 0),
    };
  }

  async stats(): Promise<TrafficStats> {
    const replies = await this.#all<TrafficStats>({ cmd: "stats" });
    const sum = (key: keyof Omit<TrafficStats, "latency" | "ackLatency">): number =>
      replies.reduce((n, r) => n + r[key], 0);
    return {
      received: sum("received"),
      receivedInPhase: sum("receivedInPhase"),
      answered: sum("answered"),
      answeredInPhase: sum("answeredInPhase"),
      otherFrames: sum("otherFrames"),
      errorFrames: sum("errorFrames"),
      open: sum("open"),
      lastReceiveUs: Math.max(...replies.map((r) => r.lastReceiveUs)),
      latency: mergeHistograms(replies.map((r) => r.latency)),
      ackLatency: mergeHistograms(replies.map((r) => r.ackLatency)),
    };
  }

  async ping(intervalMs: number, durationMs: number): Promise<PingReply> {
    const replies = await this.#all<PingReply>({ cmd: "ping", intervalMs, durationMs });
    return {
      pings: replies.reduce((n, r) => n + r.pings, 0),
      pongs: replies.reduce((n, r) => n + r.pongs, 0),
    };
  }

  async closeAll(timeoutMs = 10_000): Promise<CloseReply> {
    const replies = await this.#all<CloseReply>({ cmd: "close", timeoutMs });
    return {
      closed: replies.reduce((n, r) => n + r.closed, 0),
      terminated: replies.reduce((n, r) => n + r.terminated, 0),
    };
  }

  async stop(): Promise<void> {
    for (const w of this.#pending.values()) w.reject(new Error("load driver stopped"));
    this.#pending.clear();
    await Promise.all(this.#threads.map((t) => t.terminate()));
  }
}

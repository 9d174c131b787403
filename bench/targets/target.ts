/**
 * What every benchmark target offers the scenarios: where its rooms are, how a
 * client authenticates, how a sender learns its message was taken, and what its
 * processes cost.
 */
import { createServer } from "node:net";
import type { HeapAfterGc } from "./inspector";
import type { ProcSample } from "./proc";

export type TargetName = "roomcast" | "bare-do" | "ws";

/** A running server under test. */
export interface Target {
  readonly name: TargetName;
  /** Human description for the report. */
  readonly label: string;
  /**
   * How a sender learns its message was taken: Roomcast acks every
   * `room_message`; the baselines have no acks, so the sender's own copy of
   * the broadcast stands in for one.
   */
  readonly ackVia: "ack" | "echo";
  /** Settings that differ from the target's defaults (reported with the results). */
  readonly settings: Record<string, string>;
  /**
   * ws:// URL of `room`'s upgrade endpoint. `plain`: without the target's own
   * fixed query (Roomcast's `presence=diff`), as a v1 client connects.
   */
  roomUrl(room: string, query?: string, plain?: boolean): string;
  /** ws:// URL of the inbox upgrade endpoint (Roomcast only: private messages). */
  inboxUrl?(): string;
  /** Upgrade headers for one client per name (distinct names are distinct users). */
  authHeaders(names: string[]): Promise<Record<string, string>[]>;
  /** RSS and CPU time of every process of the target. */
  sample(): ProcSample[];
  /** The worker's inspector (wrangler's `--inspector-port`), for profiles. */
  readonly inspectorPort?: number;
  /** Forces a garbage collection in the server (workerd: through its inspector); its JS heap after. */
  collectGarbage?(): Promise<HeapAfterGc>;
  /** Room-object constructions seen so far (wake-ups), or undefined when not countable. */
  wakeups(): number | undefined;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sum of RSS (KiB) of the samples whose role is in `roles` (all when omitted). */
export function rssKiB(samples: readonly ProcSample[], roles?: readonly string[]): number {
  return samples.filter((s) => !roles || roles.includes(s.role)).reduce((n, s) => n + s.rssKiB, 0);
}

/** Sum of CPU seconds of the samples whose role is in `roles` (all when omitted). */
export function cpuSeconds(samples: readonly ProcSample[], roles?: readonly string[]): number {
  return samples.filter((s) => !roles || roles.includes(s.role)).reduce((n, s) => n + s.cpuSeconds, 0);
}

/** The shape of bench/results/*.json. */
import type { TrafficResult } from "./scenarios/context";
import type { StormResult } from "./scenarios/storm";
import type { UploadBenchResult } from "./scenarios/upload";
import type { TargetName } from "./targets/target";

export type RoomTraffic = TrafficResult & { connectFailures: number };

/** Everything measured on one target. */
export interface TargetResults {
  target: TargetName;
  label: string;
  settings: Record<string, string>;
  storm?: StormResult;
  fanout?: RoomTraffic;
  /** Bare DO only: the same fan-out with one SQLite insert per message. */
  fanoutWithStorageWrite?: RoomTraffic;
  light?: RoomTraffic;
  sweep?: Record<string, RoomTraffic>;
  persist?: RoomTraffic;
  /** Bare DO only: (e) with one SQLite insert per message. */
  persistWithStorageWrite?: RoomTraffic;
  /** Roomcast only: (h) private messages, one sender flat out to one recipient (two inbox sockets). */
  private?: RoomTraffic;
  /** Roomcast only: the storm with every client the same user (no user_joined fan-out). */
  stormOneUser?: StormResult;
  /** Roomcast only: the storm with v1 clients (no `presence=diff`: per-event presence). */
  stormV1?: StormResult;
  /** Slow joins (the profile's `storm.slow` pace): memory without the burst's high-water. */
  stormSlow?: StormResult;
  /** Roomcast only: (g) uploads, and the streaming memory check. */
  upload?: UploadBenchResult;
  /** Set when the target failed to start or a scenario threw. */
  error?: string;
  seconds: number;
}

/** One run of `npm run bench`. */
export interface RunResults {
  profile: "quick" | "full";
  startedAt: string;
  seconds: number;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; wrangler: string };
  loadThreads: number;
  via: string;
  targets: TargetResults[];
}

/**
 * (g) Uploads, Roomcast only (the baselines have no files): `clients` users each
 * upload `rounds` files of `bytes` one after another, all users at once, into one
 * room (`POST /v1/rooms/:room/files`, streamed into the local R2 simulation).
 * Reports MB/s over the whole phase and per-upload latency.
 *
 * Then the streaming check: the peak resident memory (VmHWM, reset first through
 * /proc/<pid>/clear_refs) of the worker's workerd process while one 10 MiB file
 * is uploaded, beside the same measurement for a request that does buffer its
 * whole 10 MiB body (`POST /dev/token`, whose JSON parsing reads the body at
 * once) — the control showing the method sees a 10 MiB buffer when there is one.
 */
import { nowUs } from "../load/clock";
import { Histogram, summarize } from "../load/histogram";
import type { Profile } from "../profiles";
import { readPeakKiB, resetPeak } from "../targets/proc";
import { type Ctx, round } from "./context";

export interface UploadBenchResult {
  clients: number;
  rounds: number;
  bytesEach: number;
  ok: number;
  failed: number;
  errors: string[];
  /** Bytes uploaded per second over the whole phase, in MB (10^6). */
  megabytesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  memory: StreamingCheck;
}

/** Peak rise of the worker process's resident memory during one request, MiB. */
export interface StreamingCheck {
  bodyMiB: number;
  /** A 10 MiB upload (streamed to R2). */
  uploadPeakRiseMiB: number;
  /** A 10 MiB body the worker reads whole (the control). */
  bufferedPeakRiseMiB: number;
}

const MIB = 1024 * 1024;

/** The worker's http:// origin, from its room URL. */
function httpOrigin(ctx: Ctx): string {
  return new URL(ctx.target.roomUrl("x").replace(/^ws/, "http")).origin;
}

/** PNG header then filler: the type check only reads the first bytes. */
function pngBody(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < size; i += 4096) bytes[i] = i & 0xff;
  return bytes;
}

async function uploadOnce(
  origin: string,
  room: string,
  auth: Record<string, string>,
  body: Uint8Array<ArrayBuffer>,
) {
  const res = await fetch(`${origin}/v1/rooms/${room}/files`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "image/png", "X-File-Name": "bench.png" },
    body,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text.slice(0, 120)}`);
}

/** Peak RSS rise (MiB) of the worker's workerd while `request` runs. */
async function peakRise(ctx: Ctx, request: () => Promise<unknown>): Promise<number> {
  const pids = ctx.target
    .sample()
    .filter((s) => s.role === "workerd")
    .map((s) => s.pid);
  const before = new Map<number, number>();
  for (const pid of pids) {
    resetPeak(pid);
    before.set(pid, readPeakKiB(pid).rssKiB);
  }
  await request();
  let rise = 0;
  for (const pid of pids) rise += readPeakKiB(pid).peakKiB - (before.get(pid) ?? 0);
  return round(rise / 1024, 1);
}

export async function uploadScenario(ctx: Ctx, profile: Profile): Promise<UploadBenchResult> {
  const { clients, rounds, bytes } = profile.upload;
  const origin = httpOrigin(ctx);
  const room = `${ctx.tag}-uploads`;
  const names = Array.from({ length: clients }, (_, i) => `${ctx.tag}up-${i}`);
  const auths = await ctx.target.authHeaders(names);
  const body = pngBody(bytes);
  // Warm-up: module load, the room object, the bucket.
  await uploadOnce(origin, room, auths[0] ?? {}, pngBody(1024));

  ctx.log(`  uploads: ${clients} clients × ${rounds} × ${round(bytes / MIB, 2)} MiB`);
  const hist = new Histogram();
  const errors: string[] = [];
  let ok = 0;
  const started = nowUs();
  await Promise.all(
    auths.map(async (auth) => {
      for (let r = 0; r < rounds; r++) {
        const t0 = nowUs();
        try {
          await uploadOnce(origin, room, auth, body);
          hist.record(nowUs() - t0);
          ok += 1;
        } catch (err) {
          if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
        }
      }
    }),
  );
  const seconds = (nowUs() - started) / 1e6;
  const latency = summarize(hist.data());

  ctx.log("  streaming check: peak memory during one 10 MiB upload vs. a 10 MiB buffered body");
  const big = pngBody(10 * MIB);
  const uploadPeakRiseMiB = await peakRise(ctx, () => uploadOnce(origin, `${room}-big`, auths[0] ?? {}, big));
  const bufferedPeakRiseMiB = await peakRise(ctx, async () => {
    const res = await fetch(`${origin}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    await res.text();
  });

  return {
    clients,
    rounds,
    bytesEach: bytes,
    ok,
    failed: clients * rounds - ok,
    errors,
    megabytesPerSecond: round((ok * bytes) / 1e6 / seconds, 1),
    latencyMs: { p50: round(latency.p50, 1), p99: round(latency.p99, 1), max: round(latency.max, 1) },
    memory: { bodyMiB: 10, uploadPeakRiseMiB, bufferedPeakRiseMiB },
  };
}

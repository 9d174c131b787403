/**
 * A mergeable latency histogram in microseconds: 10 µs buckets below 1 ms, then
 * buckets 2 % wide, so p99 of millions of samples costs a few kilobytes and can
 * be posted between threads as a plain array.
 */

const LINEAR_LIMIT_US = 1000;
const LINEAR_STEP_US = 10;
const LINEAR_BUCKETS = LINEAR_LIMIT_US / LINEAR_STEP_US;
const GROWTH = Math.log(1.02);
/** Enough 2 % buckets to reach about 20 minutes. */
const BUCKETS = LINEAR_BUCKETS + 720;

/** The plain-data form of a histogram (what threads post to each other). */
export interface HistogramData {
  counts: number[];
  count: number;
  maxUs: number;
  sumUs: number;
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT_US) return Math.max(0, Math.floor(us / LINEAR_STEP_US));
  return Math.min(BUCKETS - 1, LINEAR_BUCKETS + Math.floor(Math.log(us / LINEAR_LIMIT_US) / GROWTH));
}

/** Upper edge of a bucket, in µs (what a percentile inside it reports). */
function upperEdge(bucket: number): number {
  if (bucket < LINEAR_BUCKETS) return (bucket + 1) * LINEAR_STEP_US;
  return LINEAR_LIMIT_US * Math.exp((bucket - LINEAR_BUCKETS + 1) * GROWTH);
}

/** Records latencies; {@link summarize} turns merged data into percentiles. */
export class Histogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #maxUs = 0;
  #sumUs = 0;

  record(us: number): void {
    const v = Math.max(us, 0);
    const b = bucketOf(v);
    this.#counts[b] = (this.#counts[b] ?? 0) + 1;
    this.#count += 1;
    this.#sumUs += v;
    if (v > this.#maxUs) this.#maxUs = v;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#maxUs = 0;
    this.#sumUs = 0;
  }

  data(): HistogramData {
    return { counts: Array.from(this.#counts), count: this.#count, maxUs: this.#maxUs, sumUs: this.#sumUs };
  }
}

/** Adds histograms together. */
export function mergeHistograms(parts: readonly HistogramData[]): HistogramData {
  const counts = new Array<number>(BUCKETS).fill(0);
  let count = 0;
  let maxUs = 0;
  let sumUs = 0;
  for (const part of parts) {
    for (let i = 0; i < BUCKETS; i++) counts[i] = (counts[i] ?? 0) + (part.counts[i] ?? 0);
    count += part.count;
    sumUs += part.sumUs;
    maxUs = Math.max(maxUs, part.maxUs);
  }
  return { counts, count, maxUs, sumUs };
}

/** Percentiles in ms (bucket upper edges, capped by the exact max). */
export function summarize(data: HistogramData): LatencySummary {
  const at = (q: number): number => {
    if (data.count === 0) return 0;
    const rank = Math.ceil(q * data.count);
    let seen = 0;
    for (let i = 0; i < data.counts.length; i++) {
      seen += data.counts[i] ?? 0;
      if (seen >= rank) return Math.min(upperEdge(i), data.maxUs) / 1000;
    }
    return data.maxUs / 1000;
  };
  return {
    count: data.count,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: data.maxUs / 1000,
    mean: data.count > 0 ? data.sumUs / data.count / 1000 : 0,
  };
}

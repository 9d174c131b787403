/**
 * Percentiles from a bucketed histogram, as Prometheus' `histogram_quantile`
 * estimates them: linear within the bucket the rank falls in.
 */
import { LATENCY_BUCKETS_MS } from "./counts";

/**
 * The `q` quantile (0..1) of the latency histogram `buckets` (counts per
 * bucket of LATENCY_BUCKETS_MS, plus the overflow), in ms; null with no samples.
 * @example quantileMs(counts.latency, 0.95)
 */
export function quantileMs(buckets: readonly number[], q: number): number | null {
  let total = 0;
  for (const n of buckets) total += n;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i] ?? 0;
    if (seen + n >= rank && n > 0) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] ?? 0);
      // Above the last bound there is no upper edge: report the last bound.
      const upper = LATENCY_BUCKETS_MS[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - seen)) / n;
    }
    seen += n;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] ?? null;
}

/** Small statistics helpers: medians and nearest-rank percentiles over repeated samples. */

/** Nearest-rank percentile (p in 0..100) of the samples; NaN for an empty list. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Median of the samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Round to `digits` decimals (keeps JSON short and tables readable). */
export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** p50/p95/p99/max of latency samples in ms. */
export function latencySummary(samples: readonly number[]): {
  n: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
} {
  return {
    n: samples.length,
    p50_ms: round(percentile(samples, 50), 1),
    p95_ms: round(percentile(samples, 95), 1),
    p99_ms: round(percentile(samples, 99), 1),
    max_ms: round(Math.max(...samples), 1),
  };
}

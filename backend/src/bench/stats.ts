/** Summary of a set of latency samples, in milliseconds. */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The p-th percentile (0 < p <= 100) of `sorted` (ascending) by the nearest-rank method;
 * NaN when there are no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Count, p50, p99, max and mean of `samples` (the input is not modified). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) {
    sum += v;
  }
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
  };
}

/** Rounds to `digits` decimals for reports; NaN and infinities become null (valid JSON). */
export function round(v: number, digits = 2): number | null {
  if (!Number.isFinite(v)) {
    return null;
  }
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

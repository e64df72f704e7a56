// Distribution summaries and ratios of benchmark samples. Percentiles interpolate linearly between the two
// nearest ranks (numpy's default), so a p99 of few samples leans on the largest ones instead of hiding them.

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The p-th percentile (0 ≤ p ≤ 100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`a percentile is between 0 and 100 (got ${p})`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (rank - lower);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function summarize(values: readonly number[]): Summary {
  const count = values.length;
  return {
    count,
    min: count ? Math.min(...values) : Number.NaN,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: count ? Math.max(...values) : Number.NaN,
    mean: count ? values.reduce((a, b) => a + b, 0) / count : Number.NaN,
  };
}

/** numerator ÷ denominator, NaN instead of ±Infinity when the denominator is not positive. */
export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/** Relative change from `before` to `after`, in percent. */
export function driftPercent(before: number, after: number): number {
  return ratio(after - before, before) * 100;
}

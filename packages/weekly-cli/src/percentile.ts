/**
 * Percentiles as the latency rollups compute them: linear interpolation between closest ranks at
 * position (n − 1)·p (numpy's default, Excel's PERCENTILE.INC), so a weekly figure computed from
 * all samples is directly comparable with the hourly ones.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  const count = sortedAscending.length;
  if (count === 0) return null;
  const position = (count - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, count - 1);
  const low = sortedAscending[lower] as number;
  const high = sortedAscending[upper] as number;
  return low + (high - low) * (position - lower);
}

/** Latency values are reported in milliseconds with 3 decimals, like the rollup file. */
export function roundMs(value: number): number {
  return roundTo(value, 3);
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Percentile by linear interpolation between closest ranks: position (n − 1)·p, the numpy
 * default and Excel's PERCENTILE.INC. `sorted` must be in ascending order; `p` is a fraction
 * in [0, 1]. One value gives that value.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of an empty set');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile fraction must be in [0, 1], got ${p}`);
  const position = (n - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

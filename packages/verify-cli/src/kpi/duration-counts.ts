import { percentile } from '@obs-automation/core';

/**
 * Durations counted by value: the run log records whole milliseconds, so a million runs take a
 * few thousand distinct values, and the mean and any percentile stay exact in bounded memory.
 * Counts from several stretches of the log add up to the same figures in any order.
 */
export class DurationCounts {
  private readonly counts = new Map<number, number>();
  count = 0;

  add(value: number, times = 1): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + times);
    this.count += times;
  }

  /** `[value, count]` pairs, smallest value first. */
  entries(): [number, number][] {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  /** Summed by value, smallest first, so the result does not depend on the order values came in. */
  mean(): number | null {
    if (this.count === 0) return null;
    let total = 0;
    for (const [value, times] of this.entries()) total += value * times;
    return total / this.count;
  }

  /** The core's percentile (linear interpolation between closest ranks) over every value added. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const position = (this.count - 1) * p;
    const lower = Math.floor(position);
    // the values at ranks `lower` and `lower + 1`, as the sorted list of all values would hold them
    const pair: number[] = [];
    let seen = 0;
    for (const [value, times] of this.entries()) {
      seen += times;
      while (pair.length < 2 && lower + pair.length < seen) pair.push(value);
      if (pair.length === 2) break;
    }
    if (pair.length === 1) pair.push(pair[0] as number);
    return percentile(pair, position - lower);
  }
}

import { percentile } from '@obs-automation/core';

/**
 * Durations counted by value: the run log records whole milliseconds, so a million runs take a
 * few thousand distinct values, and the mean and any percentile stay exact in bounded memory.
 */
export class DurationCounts {
  private readonly counts = new Map<number, number>();
  private total = 0;
  count = 0;

  add(value: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.total += value;
    this.count += 1;
  }

  mean(): number | null {
    return this.count === 0 ? null : this.total / this.count;
  }

  /** The core's percentile (linear interpolation between closest ranks) over every value added. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const position = (this.count - 1) * p;
    const lower = Math.floor(position);
    const values = [...this.counts.keys()].sort((a, b) => a - b);
    // the values at ranks `lower` and `lower + 1`, as the sorted list of all values would hold them
    const pair: number[] = [];
    let seen = 0;
    for (const value of values) {
      seen += this.counts.get(value) as number;
      while (pair.length < 2 && lower + pair.length < seen) pair.push(value);
      if (pair.length === 2) break;
    }
    if (pair.length === 1) pair.push(pair[0] as number);
    return percentile(pair, position - lower);
  }
}

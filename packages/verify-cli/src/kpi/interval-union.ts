/**
 * The union of time intervals, kept as disjoint intervals in order: intervals that overlap or
 * touch merge into one. Memory grows with the number of separate stretches, not of intervals
 * added (each run of the latency job reports its current breach range again).
 */
export class IntervalUnion {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  add(start: number, end: number): void {
    if (!(start < end)) return;
    // first stretch that ends at or after `start`: it and the ones after it may merge
    let low = 0;
    let high = this.ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.ends[middle] as number) < start) low = middle + 1;
      else high = middle;
    }
    let last = low;
    let mergedStart = start;
    let mergedEnd = end;
    while (last < this.starts.length && (this.starts[last] as number) <= end) {
      mergedStart = Math.min(mergedStart, this.starts[last] as number);
      mergedEnd = Math.max(mergedEnd, this.ends[last] as number);
      last += 1;
    }
    this.starts.splice(low, last - low, mergedStart);
    this.ends.splice(low, last - low, mergedEnd);
  }

  /** Every stretch, in order. */
  stretches(): [number, number][] {
    return this.starts.map((start, index) => [start, this.ends[index] as number]);
  }

  /** The stretches within [from, until), clipped to it. */
  within(from: number, until: number): [number, number][] {
    const clipped: [number, number][] = [];
    for (let index = 0; index < this.starts.length; index += 1) {
      const start = Math.max(from, this.starts[index] as number);
      const end = Math.min(until, this.ends[index] as number);
      if (start < end) clipped.push([start, end]);
    }
    return clipped;
  }
}

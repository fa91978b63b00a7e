import { FirstItems, REPORTED_LINES } from './first-items.js';

export interface SequenceGap {
  line: number;
  /** the sealed segment holding the line; absent for the open log */
  file?: string;
  sequence: number;
  /** the highest sequence before this line */
  previous: number;
  missing: number;
}

export interface SequenceRepeat {
  line: number;
  /** the sealed segment holding the line; absent for the open log */
  file?: string;
  sequence: number;
  /** the highest sequence before this line */
  previous: number;
}

/**
 * Checks that sequences increase by exactly 1 in file order. Each number is judged against the
 * highest one before it, so one stray line (a duplicate restored from a backup) is reported
 * once, not again for the correct line after it. The numbers already seen are kept as disjoint
 * ranges, so a healthy log costs one range however long it is, and a number seen before is told
 * apart from one that merely goes backwards.
 */
export class SequenceTracker {
  readonly gaps = new FirstItems<SequenceGap>(REPORTED_LINES);
  readonly duplicates = new FirstItems<SequenceRepeat>(REPORTED_LINES);
  readonly outOfOrder = new FirstItems<SequenceRepeat>(REPORTED_LINES);
  /** the last sequence in file order */
  last: number | null = null;
  first: number | null = null;
  private highest: number | null = null;
  entries = 0;
  private readonly ranges: [number, number][] = [];

  observe(sequence: number, line: number, file?: string): void {
    this.entries += 1;
    const previous = this.highest;
    const where = file === undefined ? { line } : { line, file };
    if (previous === null) this.first = sequence;
    else if (this.seen(sequence)) this.duplicates.add({ ...where, sequence, previous });
    else if (sequence < previous) this.outOfOrder.add({ ...where, sequence, previous });
    else if (sequence > previous + 1)
      this.gaps.add({ ...where, sequence, previous, missing: sequence - previous - 1 });
    this.remember(sequence);
    this.last = sequence;
    this.highest = previous === null ? sequence : Math.max(previous, sequence);
  }

  /**
   * Takes `first..last` as seen without reading them (a sealed segment verified before, or
   * segments deleted by retention): `first` is judged like any line, at `line` of `file`, and the
   * rest is contiguous by what was verified.
   */
  observeRange(first: number, last: number, line: number, file?: string): void {
    this.observe(first, line, file);
    if (last <= first) return;
    const index = this.rangeIndexAtOrBefore(first);
    const range = this.ranges[index] as [number, number];
    range[1] = Math.max(range[1], last);
    while (
      index + 1 < this.ranges.length &&
      range[1] + 1 >= (this.ranges[index + 1] as [number, number])[0]
    ) {
      this.mergeForward(index);
    }
    this.entries += last - first;
    this.last = last;
    this.highest = Math.max(this.highest ?? last, last);
  }

  get healthy(): boolean {
    return this.gaps.count + this.duplicates.count + this.outOfOrder.count === 0;
  }

  private seen(sequence: number): boolean {
    const index = this.rangeIndexAtOrBefore(sequence);
    const range = index >= 0 ? this.ranges[index] : undefined;
    return range !== undefined && sequence <= range[1];
  }

  private remember(sequence: number): void {
    const lastRange = this.ranges[this.ranges.length - 1];
    if (lastRange && sequence === lastRange[1] + 1) {
      lastRange[1] = sequence;
      this.mergeForward(this.ranges.length - 1);
      return;
    }
    const index = this.rangeIndexAtOrBefore(sequence);
    const before = index >= 0 ? this.ranges[index] : undefined;
    if (before && sequence <= before[1]) return;
    if (before && sequence === before[1] + 1) {
      before[1] = sequence;
      this.mergeForward(index);
      return;
    }
    this.ranges.splice(index + 1, 0, [sequence, sequence]);
    this.mergeForward(index + 1);
  }

  private mergeForward(index: number): void {
    const range = this.ranges[index];
    const next = this.ranges[index + 1];
    if (range && next && range[1] + 1 >= next[0]) {
      range[1] = Math.max(range[1], next[1]);
      this.ranges.splice(index + 1, 1);
    }
  }

  /** Index of the last range starting at or before `sequence`, or -1. */
  private rangeIndexAtOrBefore(sequence: number): number {
    let low = 0;
    let high = this.ranges.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.ranges[middle] as [number, number])[0] <= sequence) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }
}

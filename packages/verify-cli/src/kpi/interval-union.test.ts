import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalUnion } from './interval-union.js';

/** The union by brute force: every unit step covered, then the runs of covered steps. */
function naiveUnion(intervals: [number, number][], from: number, until: number): [number, number][] {
  const covered = (at: number) => intervals.some(([start, end]) => start <= at && at < end);
  const runs: [number, number][] = [];
  for (let at = from; at < until; at += 1) {
    if (!covered(at)) continue;
    const last = runs.at(-1);
    if (last && last[1] === at) last[1] = at + 1;
    else runs.push([at, at + 1]);
  }
  return runs;
}

describe('IntervalUnion', () => {
  it('merges overlapping and touching intervals in any order, and clips to a window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 12 }))
            .map(([start, length]) => [start, start + length] as [number, number]),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (intervals, from, span) => {
          const union = new IntervalUnion();
          for (const [start, end] of intervals) union.add(start, end);
          expect(union.within(from, from + span)).toEqual(naiveUnion(intervals, from, from + span));
        },
      ),
    );
  });

  it('keeps one stretch for a range reported again and again as it grows', () => {
    const union = new IntervalUnion();
    for (let end = 2; end <= 10; end += 1) union.add(0, end);
    union.add(10, 12);
    expect(union.within(0, 100)).toEqual([[0, 12]]);
  });
});

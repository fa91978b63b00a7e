import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker.js';

function track(sequences: number[]): SequenceTracker {
  const tracker = new SequenceTracker();
  sequences.forEach((sequence, index) => {
    tracker.observe(sequence, index + 1);
  });
  return tracker;
}

describe('SequenceTracker', () => {
  it('accepts a contiguous run starting anywhere', () => {
    const tracker = track([41, 42, 43, 44]);
    expect(tracker.healthy).toBe(true);
    expect([tracker.first, tracker.last, tracker.entries]).toEqual([41, 44, 4]);
  });

  it('tells gaps, numbers used twice and numbers going backwards apart', () => {
    const tracker = track([1, 2, 5, 3, 2, 6, 6]);
    expect(tracker.gaps.items).toEqual([{ line: 3, sequence: 5, previous: 2, missing: 2 }]);
    expect(tracker.outOfOrder.items).toEqual([{ line: 4, sequence: 3, previous: 5 }]);
    expect(tracker.duplicates.items).toEqual([
      { line: 5, sequence: 2, previous: 5 },
      { line: 7, sequence: 6, previous: 6 },
    ]);
    // 6 follows the highest number so far, 5: that line itself is fine.
    expect(tracker.gaps.count).toBe(1);
  });

  it('finds exactly the repeated numbers of any sequence (against a set-based check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }), (sequences) => {
        const seen = new Set<number>();
        const expected: number[] = [];
        for (const sequence of sequences) {
          if (seen.has(sequence)) expected.push(sequence);
          seen.add(sequence);
        }
        const tracker = new SequenceTracker();
        const found: number[] = [];
        sequences.forEach((sequence, index) => {
          const before = tracker.duplicates.count;
          tracker.observe(sequence, index + 1);
          if (tracker.duplicates.count > before) found.push(sequence);
        });
        expect(found).toEqual(expected);
      }),
    );
  });

  it('lists at most 20 of each kind but counts them all', () => {
    const tracker = track(Array.from({ length: 50 }, (_, index) => index * 2 + 1));
    expect(tracker.gaps.count).toBe(49);
    expect(tracker.gaps.items).toHaveLength(20);
  });

  it('takes a verified range as seen and judges what follows it at the boundary', () => {
    const tracker = new SequenceTracker();
    tracker.observeRange(1, 100, 1, 'a.log.gz');
    tracker.observeRange(101, 200, 1, 'b.log.gz');
    tracker.observe(201, 1);
    expect(tracker.healthy).toBe(true);
    expect([tracker.first, tracker.last, tracker.entries]).toEqual([1, 201, 201]);
    tracker.observeRange(205, 210, 1, 'c.log.gz');
    tracker.observe(150, 2);
    expect(tracker.gaps.items).toEqual([
      { line: 1, file: 'c.log.gz', sequence: 205, previous: 201, missing: 3 },
    ]);
    expect(tracker.duplicates.items).toEqual([{ line: 2, sequence: 150, previous: 210 }]);
  });
});

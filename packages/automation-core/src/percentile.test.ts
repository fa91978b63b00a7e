import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.js';

/** The definition written out the slow way: weights of the two closest ranks. */
function naivePercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  if (below === above) return sorted[below] as number;
  const weightAbove = rank - below;
  return (sorted[below] as number) * (1 - weightAbove) + (sorted[above] as number) * weightAbove;
}

describe('percentile', () => {
  it('matches the numpy/PERCENTILE.INC examples', () => {
    const values = [1, 2, 3, 4];
    expect(percentile(values, 0.5)).toBe(2.5);
    expect(percentile(values, 0.95)).toBeCloseTo(3.85, 12);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 1)).toBe(4);
    expect(percentile([15, 20, 35, 40, 50], 0.4)).toBe(29);
  });

  it('returns the only value of a single sample', () => {
    expect(percentile([42.5], 0.99)).toBe(42.5);
  });

  it('rejects an empty set and fractions outside [0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('agrees with a naive implementation on any data', () => {
    const latency = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = Float64Array.from(values).sort();
          const expected = naivePercentile(values, p);
          expect(percentile(sorted, p)).toBeCloseTo(expected, 6);
        },
      ),
    );
  });

  it('lies between the minimum and the maximum and grows with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const sorted = [...values].sort((x, y) => x - y);
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(percentile(sorted, low)).toBeLessThanOrEqual(percentile(sorted, high) + 1e-9);
          expect(percentile(sorted, low)).toBeGreaterThanOrEqual(sorted[0] as number);
          expect(percentile(sorted, high)).toBeLessThanOrEqual(sorted[sorted.length - 1] as number);
        },
      ),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.js';

/** Textbook PERCENTILE.INC: rank r = 1 + (n − 1)·p, interpolated between the neighbouring ranks. */
function naivePercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 1 + (sorted.length - 1) * p;
  const below = Math.floor(rank);
  const fraction = rank - below;
  const low = sorted[below - 1] as number;
  const high = sorted[Math.min(below, sorted.length - 1)] as number;
  return low + fraction * (high - low);
}

describe('percentile', () => {
  it('interpolates linearly at (n − 1)·p', () => {
    expect(percentile([100, 200], 0.5)).toBe(150);
    expect(percentile([100, 200], 0.95)).toBe(195);
    expect(percentile([1, 2, 3, 4, 5], 0.99)).toBeCloseTo(4.96, 10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('agrees with a naive implementation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.constantFrom(0, 0.5, 0.95, 0.99, 1),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          expect(percentile(sorted, p)).toBeCloseTo(naivePercentile(values, p), 6);
        },
      ),
    );
  });
});

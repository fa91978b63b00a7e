import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dividedSum } from './stable-sum.js';

describe('dividedSum', () => {
  it('is sum / divisor for ordinary values', () => {
    expect(dividedSum([1, 2, 4], 2)).toBe(3.5);
    expect(dividedSum([], 3)).toBe(0);
  });

  it('stays finite when the total overflows', () => {
    expect(dividedSum([1e308, 1e308], 2)).toBe(1e308);
    expect(dividedSum([Number.MAX_VALUE, Number.MAX_VALUE, 0], 3)).toBeCloseTo(
      (2 / 3) * Number.MAX_VALUE,
      -300,
    );
  });

  it('never gives a non-finite mean of finite non-negative values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (values) => {
          const mean = dividedSum(values, values.length);
          expect(Number.isFinite(mean)).toBe(true);
          expect(mean).toBeLessThanOrEqual(Math.max(...values) * (1 + 1e-12));
          expect(mean).toBeGreaterThanOrEqual(Math.min(...values) * (1 - 1e-12));
        },
      ),
    );
  });
});

import { percentile } from '@obs-automation/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationCounts } from './duration-counts.js';

describe('DurationCounts', () => {
  it('gives the mean and percentiles of the full sorted list, counted by value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const counts = new DurationCounts();
          for (const value of values) counts.add(value);
          const sorted = [...values].sort((a, b) => a - b);
          expect(counts.count).toBe(values.length);
          expect(counts.mean()).toBeCloseTo(values.reduce((sum, value) => sum + value, 0) / values.length, 9);
          expect(counts.percentile(p)).toBeCloseTo(percentile(sorted, p), 9);
        },
      ),
    );
  });

  it('has no figures without values', () => {
    const counts = new DurationCounts();
    expect(counts.mean()).toBeNull();
    expect(counts.percentile(0.95)).toBeNull();
  });
});

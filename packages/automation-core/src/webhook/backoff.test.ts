import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAX_BACKOFF_SECONDS } from './backoff.js';

describe('backoffSeconds', () => {
  it('doubles per retry without jitter at the midpoint', () => {
    const midpoint = () => 0.5;
    expect([1, 2, 3, 4].map((retry) => backoffSeconds(retry, 60, midpoint))).toEqual([60, 120, 240, 480]);
  });

  it('applies at most ±20 % jitter', () => {
    expect(backoffSeconds(1, 60, () => 0)).toBe(48);
    expect(backoffSeconds(1, 60, () => 0.999999)).toBeCloseTo(72, 3);
  });

  it('caps the wait at 900 s', () => {
    expect(backoffSeconds(5, 60, () => 0.5)).toBe(MAX_BACKOFF_SECONDS);
    expect(backoffSeconds(2000, 60, () => 0.5)).toBe(MAX_BACKOFF_SECONDS);
  });

  it('stays within the jitter band and the cap for any input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, random) => {
          const wait = backoffSeconds(retry, base, () => random);
          const nominal = base * 2 ** (retry - 1);
          expect(wait).toBeLessThanOrEqual(MAX_BACKOFF_SECONDS);
          expect(wait).toBeGreaterThanOrEqual(Math.min(MAX_BACKOFF_SECONDS, nominal * 0.8) - 0.001);
          expect(wait).toBeLessThanOrEqual(nominal * 1.2 + 0.001);
        },
      ),
    );
  });
});

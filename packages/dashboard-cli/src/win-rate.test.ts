import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { winRateLcb, winRateMean } from './win-rate.js';

// Expected values computed independently with 30-digit arithmetic from the spec's formula.
describe('winRateLcb', () => {
  it('follows the normal approximation of Beta(α, β) for α=26.736, β=23.264 at 95 %', () => {
    expect(winRateLcb(26.736, 23.264, 0.95)).toBeCloseTo(0.39782631651084366, 12);
    expect(winRateMean(26.736, 23.264)).toBeCloseTo(0.53472, 15);
  });

  it('uses 0.95 when no confidence is given', () => {
    expect(winRateLcb(26.736, 23.264)).toBe(winRateLcb(26.736, 23.264, 0.95));
  });

  it('uses the Bernoulli variance mean(1−mean) when α+β ≤ 1', () => {
    expect(winRateLcb(0.6, 0.3, 0.5)).toBeCloseTo(0.34870914919702006, 12);
    expect(winRateLcb(0.9, 0.1, 0.5)).toBeCloseTo(0.6976530749411755, 12);
    // just above 1 the Beta variance applies again
    expect(winRateLcb(0.9, 0.2, 0.5)).toBeCloseTo(0.6386632918856198, 12);
  });

  it('is null when α+β ≤ 0', () => {
    expect(winRateLcb(0, 0, 0.95)).toBeNull();
    expect(winRateLcb(-2, 1, 0.95)).toBeNull();
    expect(winRateMean(0, 0)).toBeNull();
  });

  it('clamps the confidence to [0.5, 0.999]', () => {
    expect(winRateLcb(26.736, 23.264, 0.2)).toBeCloseTo(0.48761026374548894, 12);
    expect(winRateLcb(26.736, 23.264, 0.2)).toBe(winRateLcb(26.736, 23.264, 0.5));
    expect(winRateLcb(26.736, 23.264, 1.5)).toBeCloseTo(0.30489316213636064, 12);
    expect(winRateLcb(26.736, 23.264, 1)).toBe(winRateLcb(26.736, 23.264, 0.999));
  });

  it('clamps the bound to [0, 1]', () => {
    expect(winRateLcb(0.6, 0.3, 0.95)).toBe(0);
    expect(winRateLcb(1, 0, 0.95)).toBe(1);
  });
});

describe('win rate at numeric extremes', () => {
  it('gives 0.5 for α = β = 1e308 (the sum overflows) and for α = β = 5e-324 (the smallest double)', () => {
    expect(winRateMean(1e308, 1e308)).toBe(0.5);
    expect(winRateLcb(1e308, 1e308)).toBe(0.5);
    expect(winRateMean(5e-324, 5e-324)).toBe(0.5);
    expect(winRateLcb(Number.MAX_VALUE, 0)).toBe(1);
  });

  it('is finite, within [0, 1], scale-invariant and symmetric for any finite non-negative α and β', () => {
    const magnitude = fc.oneof(
      fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
      fc.double({ min: 0, max: 1e-300, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
    );
    fc.assert(
      fc.property(magnitude, magnitude, (alpha, beta) => {
        const mean = winRateMean(alpha, beta);
        const lcb = winRateLcb(alpha, beta);
        if (!(alpha + beta > 0)) {
          expect(mean).toBeNull();
          expect(lcb).toBeNull();
          return;
        }
        expect(Number.isFinite(mean)).toBe(true);
        expect(mean).toBeGreaterThanOrEqual(0);
        expect(mean).toBeLessThanOrEqual(1);
        expect(Number.isFinite(lcb)).toBe(true);
        expect(lcb as number).toBeLessThanOrEqual(mean as number);
        expect((mean as number) + (winRateMean(beta, alpha) as number)).toBeCloseTo(1, 12);
        // Where α/(α+β) is exactly representable without overflow, it is what the rate is.
        const total = alpha + beta;
        if (Number.isFinite(total) && total > 1e-300) expect(mean).toBeCloseTo(alpha / total, 12);
        // Scaling both counts by a power of two changes nothing.
        if (alpha < 1e300 && beta < 1e300 && alpha > 1e-300 && beta > 1e-300) {
          expect(winRateMean(alpha * 1024, beta * 1024)).toBeCloseTo(mean as number, 12);
        }
      }),
      { numRuns: 500 },
    );
  });
});

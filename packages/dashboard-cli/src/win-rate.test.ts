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

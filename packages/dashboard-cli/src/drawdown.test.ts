import { describe, expect, it } from 'vitest';
import { DrawdownTracker } from './drawdown.js';

function track(steps: number[]): DrawdownTracker {
  const tracker = new DrawdownTracker();
  for (const step of steps) tracker.add(step);
  return tracker;
}

describe('DrawdownTracker', () => {
  it('finds the larger of two peak-to-trough falls and the peak it started from', () => {
    // cumulative: 10, 5 (fall 5 from 10), 25, 13 (fall 12 from 25), 14, 30, 27
    const tracker = track([10, -5, 20, -12, 1, 16, -3]);
    expect(tracker.maxDrawdown).toBe(12);
    expect(tracker.peakOfMaxDrawdown).toBe(25);
    expect(tracker.drawdownPercent(1000)).toBeCloseTo((12 / 1025) * 100, 12);
  });

  it('keeps the first peak when the first fall is the larger one', () => {
    // cumulative: 40, 10 (fall 30 from 40), 50, 45 (fall 5 from 50)
    const tracker = track([40, -30, 40, -5]);
    expect(tracker.maxDrawdown).toBe(30);
    expect(tracker.peakOfMaxDrawdown).toBe(40);
  });

  it('counts a loss before any gain from the starting level 0', () => {
    const tracker = track([-8, 3, -1]);
    expect(tracker.maxDrawdown).toBe(8);
    expect(tracker.peakOfMaxDrawdown).toBe(0);
    expect(tracker.drawdownPercent(200)).toBeCloseTo(4, 12);
  });

  it('is zero on a curve that never falls', () => {
    const tracker = track([1, 2, 0, 3]);
    expect(tracker.maxDrawdown).toBe(0);
    expect(tracker.drawdownPercent(100)).toBe(0);
  });

  it('has no percentage when the base plus the peak is not positive', () => {
    expect(track([-5]).drawdownPercent(0)).toBeNull();
    expect(track([-5]).drawdownPercent(-10)).toBeNull();
  });
});

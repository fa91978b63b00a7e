import { describe, expect, it } from 'vitest';
import { applyBreachStreaks, type BreachInput } from './breach.js';

const HOUR = 3_600_000;
const rule = { sloP95Ms: 5000, failureRateThreshold: 0.01 };

function windows(spec: { hour: number; p95: number; rate?: number }[]): BreachInput[] {
  return spec.map(({ hour, p95, rate }) => ({
    startMs: hour * HOUR,
    endMs: (hour + 1) * HOUR,
    p95Ms: p95,
    failureRate: rate ?? 0,
    breachFlag: false,
    breachStreak: 0,
  }));
}

describe('breach flags and streaks', () => {
  it('counts consecutive breached windows', () => {
    const rows = windows([
      { hour: 0, p95: 100 },
      { hour: 1, p95: 6000 },
      { hour: 2, p95: 7000 },
      { hour: 3, p95: 100, rate: 0.5 },
      { hour: 4, p95: 100 },
    ]);
    applyBreachStreaks(rows, rule);
    expect(rows.map((row) => [row.breachFlag, row.breachStreak])).toEqual([
      [false, 0],
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 0],
    ]);
  });

  it('breaks the streak at a window without samples', () => {
    const rows = windows([
      { hour: 0, p95: 6000 },
      { hour: 1, p95: 6000 },
      { hour: 3, p95: 6000 },
      { hour: 4, p95: 6000 },
    ]);
    applyBreachStreaks(rows, rule);
    expect(rows.map((row) => row.breachStreak)).toEqual([1, 2, 1, 2]);
  });

  it('treats values at the threshold as not breached', () => {
    const rows = windows([{ hour: 0, p95: 5000, rate: 0.01 }]);
    applyBreachStreaks(rows, rule);
    expect(rows[0]?.breachFlag).toBe(false);
  });

  it('gives the same streaks when recomputed', () => {
    const rows = windows([
      { hour: 0, p95: 6000 },
      { hour: 1, p95: 6000 },
      { hour: 2, p95: 6000 },
    ]);
    applyBreachStreaks(rows, rule);
    const first = rows.map((row) => row.breachStreak);
    applyBreachStreaks(rows, rule);
    expect(rows.map((row) => row.breachStreak)).toEqual(first);
  });
});

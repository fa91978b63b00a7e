import { formatRollup, type RollupRow } from '@obs-automation/latency-store';
import { describe, expect, it } from 'vitest';
import { mergeRollup } from './rollup-merge.js';

const HOUR = 3_600_000;
const rule = { sloP95Ms: 5000, failureRateThreshold: 0.01 };

function row(hour: number, p95: number, span = 1): RollupRow {
  return {
    startMs: hour * HOUR,
    endMs: (hour + span) * HOUR,
    count: 4,
    failureCount: 0,
    failureRate: 0,
    p50Ms: 1.5,
    p95Ms: p95,
    p99Ms: p95,
    maxMs: p95,
    breachFlag: false,
    breachStreak: 0,
  };
}

describe('mergeRollup', () => {
  it('recomputes flags and streaks over the merged rows', () => {
    const rows = mergeRollup([], [row(1, 6000), row(0, 100), row(2, 7000)], 0, rule);
    expect(rows.map((item) => [item.breachFlag, item.breachStreak])).toEqual([
      [false, 0],
      [true, 1],
      [true, 2],
    ]);
    expect(formatRollup(rows).split('\n')[2]).toBe(
      '1970-01-01T01:00:00Z,1970-01-01T02:00:00Z,4,0,0,1.5,6000,6000,6000,true,1',
    );
  });

  it('keeps stored rows without breach columns and judges them anew', () => {
    const stored = { ...row(0, 6000), breachFlag: null, breachStreak: null };
    expect(mergeRollup([stored], [row(1, 6000)], 0, rule).map((item) => item.breachStreak)).toEqual([1, 2]);
  });

  it('replaces overlapping rows, keeps the rest, drops expired rows and sorts', () => {
    const existing = [row(0, 1), row(1, 2), row(2, 3), row(4, 5, 4)];
    const merged = mergeRollup(existing, [row(5, 50), row(1, 20)], 1 * HOUR + 1, rule);
    expect(merged.map((item) => [item.startMs / HOUR, item.p95Ms])).toEqual([
      [1, 20],
      [2, 3],
      [5, 50],
    ]);
  });
});

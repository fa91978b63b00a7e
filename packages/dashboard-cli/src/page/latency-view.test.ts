import { describe, expect, it } from 'vitest';
import type { LatencyRow } from '../latency-dataset.js';
import { latencyView } from './latency-view.js';

function row(hour: number, p95: number, breach: boolean): LatencyRow {
  const start = new Date(Date.UTC(2026, 10, 24, hour)).toISOString();
  const end = new Date(Date.UTC(2026, 10, 24, hour + 1)).toISOString();
  return {
    window_start: start,
    window_end: end,
    count: 12,
    failure_count: 0,
    failure_rate: 0,
    p50_ms: p95 / 2,
    p95_ms: p95,
    p99_ms: p95 + 1,
    max_ms: p95 + 2,
    breach_flag: breach,
    breach_streak: breach ? 1 : 0,
  };
}

const seconds = (hour: number) => Date.UTC(2026, 10, 24, hour) / 1000;

describe('latencyView', () => {
  it('orders windows oldest first, merges consecutive breaches and breaks the lines at missing hours', () => {
    // newest first, as the dataset holds them; hour 4 is missing
    const rows = [
      row(6, 9000, true),
      row(5, 8000, true),
      row(3, 900, false),
      row(2, 7000, true),
      row(1, 800, false),
    ];
    const view = latencyView(rows, { p95Ms: 5000, failureRateThreshold: 0.01, source: null });
    expect(view?.windows).toBe(5);
    expect(view?.last.window_start).toBe(rows[0]?.window_start);
    expect(view?.breachRanges.map((range) => [range.windows, range.peakP95Ms])).toEqual([
      [1, 7000],
      [2, 9000],
    ]);
    expect(view?.chart.breaches).toEqual([
      [seconds(2), seconds(3)],
      [seconds(5), seconds(7)],
    ]);
    expect(view?.chart.x).toEqual([seconds(1), seconds(2), seconds(3), seconds(4), seconds(5), seconds(6)]);
    expect(view?.chart.p95).toEqual([800, 7000, 900, null, 8000, 9000]);
    expect(view?.chart).toMatchObject({ points: 5, slo: 5000, xMax: seconds(7) });
    expect(view?.latestRows.map((item) => item.window_start)).toEqual(rows.map((item) => item.window_start));
  });

  it('has no view without rows', () => {
    expect(latencyView([], null)).toBeNull();
  });
});

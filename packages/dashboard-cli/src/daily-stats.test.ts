import type { DailyRow } from '@obs-automation/core';
import { describe, expect, it } from 'vitest';
import { dailyStats } from './daily-stats.js';

const FILE = 'runs/r1/daily.csv';

function day(date: string, fills: number | null, pnl: number | null): DailyRow {
  return { date: new Date(`${date}T00:00:00Z`), fills, pnl_pips: pnl };
}

describe('dailyStats', () => {
  // fills 0,4,0,2,6 → 12 fills over 5 days, 3 active days; cumulative pnl 0,10,10,4,16
  const days = [
    day('2025-01-01', 0, 0),
    day('2025-01-02', 4, 10),
    day('2025-01-03', 0, 0),
    day('2025-01-04', 2, -6),
    day('2025-01-05', 6, 12),
  ];

  it('computes days, active days and trades per day', () => {
    const result = dailyStats(days, 1000, FILE);
    expect(result.days).toBe(5);
    expect(result.active_days).toBe(3);
    expect(result.avg_trades_per_day).toBe(2.4);
    expect(result.avg_trades_active_day).toBe(4);
    expect(result.start_date).toBe('2025-01-01');
    expect(result.end_date).toBe('2025-01-05');
  });

  it('computes the drawdown in pips and as a percentage of equity plus the peak P&L', () => {
    const result = dailyStats(days, 1000, FILE);
    expect(result.max_drawdown_pips).toBe(6);
    expect(result.drawdown_pct).toBe(0.594059); // 6 / 1010 × 100, rounded half away from zero
  });

  it('has no percentage without equity', () => {
    expect(dailyStats(days, null, FILE).drawdown_pct).toBeNull();
    expect(dailyStats(days, null, FILE).max_drawdown_pips).toBe(6);
  });

  it('takes the first and last date whatever the order of the days', () => {
    const result = dailyStats([days[3], days[0], days[4]] as DailyRow[], null, FILE);
    expect(result.start_date).toBe('2025-01-01');
    expect(result.end_date).toBe('2025-01-05');
    expect(result.days).toBe(3);
  });

  it('gives null averages for a run without days', () => {
    expect(dailyStats([], 1000, FILE)).toMatchObject({
      days: 0,
      active_days: 0,
      avg_trades_per_day: null,
      avg_trades_active_day: null,
      max_drawdown_pips: 0,
      start_date: null,
    });
  });

  it('counts empty fills and P&L cells as 0, and has no per-active-day average without fills', () => {
    const result = dailyStats([day('2025-01-01', null, null), day('2025-01-02', 0, -3)], 100, FILE);
    expect(result).toMatchObject({
      days: 2,
      active_days: 0,
      avg_trades_per_day: 0,
      avg_trades_active_day: null,
    });
    expect(result.max_drawdown_pips).toBe(3);
  });

  it('gives the finite mean of fill counts whose total overflows', () => {
    const result = dailyStats([day('2025-01-01', 1e308, 0), day('2025-01-02', 1e308, 0)], null, FILE);
    expect(result).toMatchObject({ avg_trades_per_day: 1e308, avg_trades_active_day: 1e308 });
  });

  it('refuses a P&L curve that leaves the range of a number: invalid_input naming the file', () => {
    const huge = [day('2025-01-01', 0, 1.5e308), day('2025-01-02', 0, 1.5e308), day('2025-01-03', 0, -1e308)];
    expect(() => dailyStats(huge, null, FILE)).toThrow(
      expect.objectContaining({ code: 'invalid_input', details: expect.objectContaining({ file: FILE }) }),
    );
    expect(() => dailyStats([day('2025-01-01', 0, -5)], Number.MAX_VALUE, FILE)).not.toThrow();
  });
});

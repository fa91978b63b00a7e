import { JobError } from '@obs-automation/core';
import { describe, expect, it } from 'vitest';
import { parseCsvBytes } from './csv-source.js';
import { dailyStats } from './daily-stats.js';

const HEADER = 'date,breakouts,gate_pass,gate_block,ev_pass,ev_reject,fills,wins,pnl_pips';

function stats(lines: string[], equity: number | null = 1000) {
  const bytes = Buffer.from(`${[HEADER, ...lines].join('\n')}\n`);
  return dailyStats(parseCsvBytes(bytes, 'runs/r1/daily.csv', 'daily.csv'), 'runs/r1/daily.csv', equity);
}

describe('dailyStats', () => {
  // fills 0,4,0,2,6 → 12 fills over 5 days, 3 active days; cumulative pnl 0,10,10,4,16
  const rows = [
    '2025-01-01,9,0,9,0,0,0,0,0.0',
    '2025-01-02,200,100,100,10,90,4,3,10.0',
    '2025-01-03,10,0,10,0,0,0,0,0.0',
    '2025-01-04,150,80,70,5,75,2,0,-6.0',
    '2025-01-05,180,90,90,8,82,6,4,12.0',
  ];

  it('computes days, active days and trades per day', () => {
    const result = stats(rows);
    expect(result.days).toBe(5);
    expect(result.active_days).toBe(3);
    expect(result.avg_trades_per_day).toBe(2.4);
    expect(result.avg_trades_active_day).toBe(4);
    expect(result.start_date).toBe('2025-01-01');
    expect(result.end_date).toBe('2025-01-05');
  });

  it('computes the drawdown in pips and as a percentage of equity plus the peak P&L', () => {
    const result = stats(rows, 1000);
    expect(result.max_drawdown_pips).toBe(6);
    expect(result.drawdown_pct).toBeCloseTo((6 / 1010) * 100, 6);
  });

  it('has no percentage without equity', () => {
    expect(stats(rows, null).drawdown_pct).toBeNull();
    expect(stats(rows, null).max_drawdown_pips).toBe(6);
  });

  it('reads dates in any order and CRLF line ends', () => {
    const bytes = Buffer.from(`${HEADER}\r\n${[rows[3], rows[0], rows[4]].join('\r\n')}\r\n`);
    const result = dailyStats(parseCsvBytes(bytes, 'd.csv', 'daily.csv'), 'd.csv', null);
    expect(result.start_date).toBe('2025-01-01');
    expect(result.end_date).toBe('2025-01-05');
    expect(result.days).toBe(3);
  });

  it('gives null averages for a header-only file', () => {
    const result = stats([]);
    expect(result).toMatchObject({
      days: 0,
      active_days: 0,
      avg_trades_per_day: null,
      avg_trades_active_day: null,
    });
    expect(result.max_drawdown_pips).toBe(0);
  });

  it('has no per-active-day average when no day had fills', () => {
    expect(stats(['2025-01-01,9,0,9,0,0,0,0,0.0']).avg_trades_active_day).toBeNull();
  });

  it('rejects a non-numeric cell naming the file, line and column', () => {
    try {
      stats([rows[0] as string, '2025-01-02,200,100,100,10,90,four,3,10.0']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JobError);
      expect((error as JobError).code).toBe('invalid_input');
      expect((error as JobError).message).toContain('runs/r1/daily.csv:3: column fills');
    }
  });

  it('rejects a file without the pnl_pips column', () => {
    const bytes = Buffer.from('date,fills\n2025-01-01,3\n');
    expect(() => dailyStats(parseCsvBytes(bytes, 'd.csv', 'daily.csv'), 'd.csv', null)).toThrow(
      /d\.csv:1: missing column pnl_pips/,
    );
  });
});

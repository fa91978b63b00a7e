import { describe, expect, it } from 'vitest';
import type { EvHistoryRow } from '../ev-history-dataset.js';
import type { TurnoverRow } from '../turnover-dataset.js';
import { largeChanges } from './large-changes.js';
import { DEFAULT_PAGE_SETTINGS } from './page-settings.js';

function ev(day: number, lcb: number): EvHistoryRow {
  const timestamp = new Date(Date.UTC(2026, 10, day, 10)).toISOString();
  return {
    timestamp,
    strategy: 's',
    symbol: 'USDJPY',
    mode: 'bridge',
    ev_alpha: 1,
    ev_beta: 1,
    decay: null,
    confidence: 0.95,
    win_rate_mean: lcb,
    win_rate_lcb: lcb,
    source_path: `ops/state_archive/s/USDJPY/bridge/202611${String(day).padStart(2, '0')}_100000.json`,
  };
}

function run(id: string, perDay: number | null, winRate: number | null): TurnoverRow {
  return {
    run_id: id,
    timestamp: `2026-11-${id.slice(-2)}T00:00:00.000Z`,
    symbol: 'USDJPY',
    mode: 'bridge',
    trades: 10,
    wins: 5,
    win_rate: winRate,
    days: perDay === null ? null : 10,
    active_days: null,
    avg_trades_per_day: perDay,
    avg_trades_active_day: null,
    max_drawdown_pips: null,
    drawdown_pct: null,
    start_date: null,
    end_date: null,
  };
}

const rule = DEFAULT_PAGE_SETTINGS.large_change;

describe('largeChanges', () => {
  it('lists moves at or past their threshold, largest first, with the files they come from', () => {
    const view = largeChanges(
      {
        ev: [ev(1, 0.4), ev(2, 0.449), ev(3, 0.5), ev(4, 0.38)],
        slippage: null,
        turnover: [run('r01', 4, 0.5), run('r02', 6.1, 0.5), run('r03', 6, 0.71)],
        runsRoot: 'runs',
      },
      rule,
    );
    expect(view.found).toBe(4);
    expect(view.listed.map((change) => [change.metric, Number(change.change.toFixed(3))])).toEqual([
      ['win-rate LCB', -0.12],
      ['win rate', 0.21],
      ['avg trades per day', 0.525],
      ['win-rate LCB', 0.051],
    ]);
    expect(view.listed[0]?.sources.map((source) => source.path)).toEqual([
      'ops/state_archive/s/USDJPY/bridge/20261103_100000.json',
      'ops/state_archive/s/USDJPY/bridge/20261104_100000.json',
    ]);
    expect(view.listed[1]?.sources.map((source) => source.path)).toEqual([
      'runs/r02/daily.csv',
      'runs/r03/daily.csv',
    ]);
  });

  it('skips moves it cannot measure and caps the list', () => {
    const view = largeChanges(
      {
        ev: [ev(1, 0.1), ev(2, 0.9), ev(3, 0.1), ev(4, 0.9)],
        slippage: null,
        turnover: [run('r01', 0, null), run('r02', 5, 0.5)],
        runsRoot: null,
      },
      { ...rule, max_listed: 2 },
    );
    expect(view.found).toBe(3);
    expect(view.listed).toHaveLength(2);
  });
});

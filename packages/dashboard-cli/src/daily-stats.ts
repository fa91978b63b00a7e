import { parseTimestamp } from '@obs-automation/core';
import { CsvColumns } from './csv-columns.js';
import type { CsvRecord } from './csv-source.js';
import { DrawdownTracker } from './drawdown.js';
import { roundTo } from './json-values.js';

/** Figures of one run's daily.csv for the turnover dataset. */
export interface DailyStats {
  days: number;
  active_days: number;
  avg_trades_per_day: number | null;
  avg_trades_active_day: number | null;
  max_drawdown_pips: number;
  drawdown_pct: number | null;
  start_date: string | null;
  end_date: string | null;
}

const REQUIRED_COLUMNS = ['date', 'fills', 'pnl_pips'];
const DIGITS = 6;

/**
 * Computes the turnover figures from a daily.csv's records (header first): fills per day and per
 * active day (a day with fills), and the largest fall of cumulative `pnl_pips`, also as a
 * percentage of `equity` plus the cumulative P&L at the peak it fell from (null without equity).
 * Empty fills / pnl cells count as 0.
 */
export function dailyStats(records: readonly CsvRecord[], shown: string, equity: number | null): DailyStats {
  const [header, ...rows] = records;
  const columns = new CsvColumns(header?.cells ?? [], shown, 'daily.csv');
  if (header) columns.requireColumns(REQUIRED_COLUMNS);
  const drawdown = new DrawdownTracker();
  let fills = 0;
  let activeDays = 0;
  let startDate: string | null = null;
  let endDate: string | null = null;
  for (const { cells, line } of rows) {
    const dayFills = columns.nonNegative(cells, 'fills', line) ?? 0;
    fills += dayFills;
    if (dayFills > 0) activeDays += 1;
    drawdown.add(columns.number(cells, 'pnl_pips', line) ?? 0);
    const date = columns.text(cells, 'date');
    if (date !== null && !parseTimestamp(date))
      throw columns.invalidCell('date', line, date, 'a date (YYYY-MM-DD)');
    if (date !== null) {
      if (startDate === null || date < startDate) startDate = date;
      if (endDate === null || date > endDate) endDate = date;
    }
  }
  const days = rows.length;
  const percent = equity === null ? null : drawdown.drawdownPercent(equity);
  return {
    days,
    active_days: activeDays,
    avg_trades_per_day: days === 0 ? null : roundTo(fills / days, DIGITS),
    avg_trades_active_day: activeDays === 0 ? null : roundTo(fills / activeDays, DIGITS),
    max_drawdown_pips: roundTo(drawdown.maxDrawdown, DIGITS),
    drawdown_pct: percent === null ? null : roundTo(percent, DIGITS),
    start_date: startDate,
    end_date: endDate,
  };
}

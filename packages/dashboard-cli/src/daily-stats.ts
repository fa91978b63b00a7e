import { type DailyRow, dividedSum, invalidInput, isoDate, roundTo } from '@obs-automation/core';
import { DrawdownTracker } from './drawdown.js';

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

const DIGITS = 6;

/**
 * The turnover figures of a run's days: fills per day and per active day (a day with fills),
 * and the largest fall of cumulative `pnl_pips`, also as a percentage of `equity` plus the
 * cumulative P&L at the peak it fell from (null without equity). Empty fills / pnl cells count
 * as 0. Fill counts whose total overflows still give their finite means; a P&L curve or an
 * equity that leaves the range of a double has no meaningful drawdown and is `invalid_input`
 * naming `file`.
 */
export function dailyStats(days: readonly DailyRow[], equity: number | null, file: string): DailyStats {
  const drawdown = new DrawdownTracker();
  const fills: number[] = [];
  let activeDays = 0;
  let first: Date | null = null;
  let last: Date | null = null;
  for (const day of days) {
    const dayFills = day.fills ?? 0;
    fills.push(dayFills);
    if (dayFills > 0) activeDays += 1;
    drawdown.add(day.pnl_pips ?? 0);
    if (first === null || day.date < first) first = day.date;
    if (last === null || day.date > last) last = day.date;
  }
  const percent = equity === null ? null : drawdown.drawdownPercent(equity);
  if (!drawdown.inRange || (percent !== null && !Number.isFinite(percent))) {
    throw invalidInput(
      { file, column: 'pnl_pips' },
      "the cumulative pnl_pips (with the run's equity) leaves the range of a number; no drawdown can be computed",
    );
  }
  return {
    days: days.length,
    active_days: activeDays,
    avg_trades_per_day: days.length === 0 ? null : roundTo(dividedSum(fills, days.length), DIGITS),
    avg_trades_active_day: activeDays === 0 ? null : roundTo(dividedSum(fills, activeDays), DIGITS),
    max_drawdown_pips: roundTo(drawdown.maxDrawdown, DIGITS),
    drawdown_pct: percent === null ? null : roundTo(percent, DIGITS),
    start_date: first && isoDate(first),
    end_date: last && isoDate(last),
  };
}

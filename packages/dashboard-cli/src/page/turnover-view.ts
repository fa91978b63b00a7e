import { roundTo } from '@obs-automation/core';
import type { TurnoverRow } from '../turnover-dataset.js';

/** Runs shown in the turnover section: the last ones of the dataset (runs/index.csv order). */
export const TURNOVER_RUNS = 10;

export interface TurnoverChartData {
  /** 1-based run positions; the labels name the runs */
  x: number[];
  labels: string[];
  perDay: (number | null)[];
  perActiveDay: (number | null)[];
  winRate: (number | null)[];
  points: number;
}

export interface TurnoverView {
  runs: TurnoverRow[];
  totalRuns: number;
  chart: TurnoverChartData;
}

const rounded = (value: number | null) => (value === null ? null : roundTo(value, 4));

export function turnoverView(rows: readonly TurnoverRow[]): TurnoverView | null {
  const runs = rows.slice(-TURNOVER_RUNS);
  if (runs.length === 0) return null;
  return {
    runs,
    totalRuns: rows.length,
    chart: {
      x: runs.map((_, index) => index + 1),
      labels: runs.map((run) => run.run_id),
      perDay: runs.map((run) => rounded(run.avg_trades_per_day)),
      perActiveDay: runs.map((run) => rounded(run.avg_trades_active_day)),
      winRate: runs.map((run) => rounded(run.win_rate)),
      points: runs.length,
    },
  };
}

import { roundTo } from '@obs-automation/core';
import type { EvHistoryRow } from '../ev-history-dataset.js';
import { alignedColumns, groupBySeries } from './series-key.js';

/** Snapshots per series in the trend. */
export const EV_TREND_POINTS = 30;

export interface EvSeriesSummary {
  label: string;
  latest: EvHistoryRow;
  /** the oldest snapshot of the trend, for the change over it */
  trendStart: EvHistoryRow;
  points: number;
  minLcb: number | null;
  maxLcb: number | null;
}

export interface EvChartData {
  x: number[];
  labels: string[];
  lcb: (number | null)[][];
  points: number;
}

export interface EvView {
  series: EvSeriesSummary[];
  chart: EvChartData;
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const lcbOrNull = (value: number | null) => (value === null ? null : roundTo(value, 5));

/** The EV section: the last 30 win-rate LCB snapshots of each series; null without rows. */
export function evView(rows: readonly EvHistoryRow[]): EvView | null {
  const series = groupBySeries(rows).map((group) => ({ ...group, rows: group.rows.slice(-EV_TREND_POINTS) }));
  if (series.length === 0) return null;
  const summaries = series.map((group): EvSeriesSummary => {
    const values = group.rows.map((row) => row.win_rate_lcb).filter((value) => value !== null);
    return {
      label: group.label,
      latest: group.rows.at(-1) as EvHistoryRow,
      trendStart: group.rows[0] as EvHistoryRow,
      points: group.rows.length,
      minLcb: values.length > 0 ? Math.min(...values) : null,
      maxLcb: values.length > 0 ? Math.max(...values) : null,
    };
  });
  const aligned = alignedColumns(
    series.map((group) => ({
      x: group.rows.map((row) => seconds(row.timestamp)),
      y: group.rows.map((row) => lcbOrNull(row.win_rate_lcb)),
    })),
  );
  return {
    series: summaries,
    chart: {
      x: aligned.x,
      labels: series.map((group) => group.label),
      lcb: aligned.ys,
      points: series.reduce((sum, group) => sum + group.rows.length, 0),
    },
  };
}

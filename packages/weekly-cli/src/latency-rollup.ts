import {
  type CsvRow,
  type InputFile,
  isoSeconds,
  MS_PER_HOUR,
  missingInput,
  openInputStream,
  readCsvRows,
} from '@obs-automation/core';
import { contains, type WeekWindow } from './week-window.js';

/** One row of `ops/signal_latency_rollup.csv`. */
export interface RollupWindow {
  hour_utc: string;
  start: Date;
  /** exclusive; `window_end_utc`, or one hour after the start when the column is absent */
  end: Date;
  count: number;
  failure_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  breach_flag: boolean;
  breach_streak: number | null;
}

const REQUIRED_COLUMNS = ['hour_utc', 'count', 'p50_ms', 'p95_ms'];

/** Streams the rollup and keeps the windows that start in the week, in time order. */
export async function readRollupWindowsInWeek(rollup: InputFile, week: WeekWindow): Promise<RollupWindow[]> {
  const source = await openInputStream(rollup);
  if (!source) throw missingInput([rollup.relative]);
  const windows: RollupWindow[] = [];
  for await (const row of readCsvRows(source, { file: rollup.relative, required: REQUIRED_COLUMNS })) {
    const window = rollupWindow(row);
    if (contains(week, window.start)) windows.push(window);
  }
  return windows.sort((a, b) => a.start.getTime() - b.start.getTime());
}

function rollupWindow(row: CsvRow): RollupWindow {
  const start = row.timestamp('hour_utc');
  if (!start) throw row.invalid('hour_utc', 'hour_utc is empty');
  const count = row.count('count');
  if (count === null) throw row.invalid('count', 'count is empty');
  return {
    hour_utc: isoSeconds(start),
    start,
    end: row.timestamp('window_end_utc') ?? new Date(start.getTime() + MS_PER_HOUR),
    count,
    failure_rate: row.fraction('failure_rate'),
    p50_ms: row.nonNegative('p50_ms'),
    p95_ms: row.nonNegative('p95_ms'),
    p99_ms: row.nonNegative('p99_ms'),
    max_ms: row.nonNegative('max_ms'),
    breach_flag: row.boolean('breach_flag') ?? false,
    breach_streak: row.count('breach_streak'),
  };
}

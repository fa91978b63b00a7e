import { type InputFile, isoSeconds, missingInput } from '@obs-automation/core';
import { type StoredRollupRow, scanRollupFile } from '@obs-automation/latency-store';
import { asLatencyFile } from './week-samples.js';
import { contains, type WeekWindow } from './week-window.js';

/** One window of `ops/signal_latency_rollup.csv`. */
export interface RollupWindow {
  hour_utc: string;
  start: Date;
  /** exclusive */
  end: Date;
  count: number;
  failure_rate: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** false when the file has no breach columns */
  breach_flag: boolean;
  breach_streak: number | null;
}

function rollupWindow(row: StoredRollupRow): RollupWindow {
  const start = new Date(row.startMs);
  return {
    hour_utc: isoSeconds(start),
    start,
    end: new Date(row.endMs),
    count: row.count,
    failure_rate: row.failureRate,
    p50_ms: row.p50Ms,
    p95_ms: row.p95Ms,
    p99_ms: row.p99Ms,
    max_ms: row.maxMs,
    breach_flag: row.breachFlag ?? false,
    breach_streak: row.breachStreak,
  };
}

/** Streams the rollup and keeps the windows that start in the week, in time order. */
export async function readRollupWindowsInWeek(rollup: InputFile, week: WeekWindow): Promise<RollupWindow[]> {
  const windows: RollupWindow[] = [];
  const scan = await scanRollupFile(asLatencyFile(rollup), (row) => {
    if (contains(week, new Date(row.startMs))) windows.push(rollupWindow(row));
  });
  if (!scan) throw missingInput([rollup.relative]);
  return windows.sort((a, b) => a.start.getTime() - b.start.getTime());
}

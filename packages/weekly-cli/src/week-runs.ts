import {
  type DailyRow,
  dividedSum,
  type IndexedRun,
  type InputFile,
  isoSeconds,
  readRunsIndex,
  roundTo,
} from '@obs-automation/core';
import { contains, type WeekWindow } from './week-window.js';

/**
 * The runs of the index whose timestamp falls in the week, newest first (ties by run_id, so the
 * order is stable). The whole index is read and checked, as every job reading it does.
 */
export async function readRunsInWeek(index: InputFile, week: WeekWindow): Promise<IndexedRun[]> {
  const runs: IndexedRun[] = [];
  for await (const run of readRunsIndex(index)) {
    if (contains(week, run.at)) runs.push(run);
  }
  return runs.sort((a, b) => b.at.getTime() - a.at.getTime() || compareText(a.run_id, b.run_id));
}

/** What a run's daily.csv adds to the report; null fields when the run has none. */
export interface DailyActivity {
  start_ts: string | null;
  end_ts: string | null;
  turnover_per_day: number | null;
}

/** The first and last day, and fills per day (null when no day records its fills). */
export function dailyActivity(days: readonly DailyRow[] | null): DailyActivity {
  let first: Date | null = null;
  let last: Date | null = null;
  const fills: number[] = [];
  for (const day of days ?? []) {
    if (!first || day.date < first) first = day.date;
    if (!last || day.date > last) last = day.date;
    if (day.fills !== null) fills.push(day.fills);
  }
  const count = days?.length ?? 0;
  return {
    start_ts: first && isoSeconds(first),
    end_ts: last && isoSeconds(last),
    // Counts whose total overflows still give their finite mean.
    turnover_per_day: fills.length === 0 || count === 0 ? null : roundTo(dividedSum(fills, count), 6),
  };
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

import { isoSeconds, roundTo } from '@obs-automation/core';
import { readCsvRows } from './csv-records.js';
import { type InputFile, openInputStream } from './input-file.js';

/** What a run's `daily.csv` adds to the report; null fields when the file is missing. */
export interface DailyActivity {
  start_ts: string | null;
  end_ts: string | null;
  turnover_per_day: number | null;
}

export const NO_DAILY_ACTIVITY: DailyActivity = { start_ts: null, end_ts: null, turnover_per_day: null };

/**
 * Streams `date,…,fills,…`: the first and last date, and fills per day (total fills over the
 * days that have a row, i.e. trading days). Returns null when the file does not exist.
 */
export async function readDailyActivity(daily: InputFile): Promise<DailyActivity | null> {
  const source = await openInputStream(daily);
  if (!source) return null;
  let first: Date | null = null;
  let last: Date | null = null;
  let days = 0;
  let fills: number | null = null;
  for await (const row of readCsvRows(source, { file: daily.relative, required: ['date'] })) {
    const date = row.timestamp('date');
    if (!date) continue;
    days++;
    if (!first || date < first) first = date;
    if (!last || date > last) last = date;
    const dayFills = row.nonNegative('fills');
    if (dayFills !== null) fills = (fills ?? 0) + dayFills;
  }
  return {
    start_ts: first && isoSeconds(first),
    end_ts: last && isoSeconds(last),
    turnover_per_day: fills === null || days === 0 ? null : roundTo(fills / days, 6),
  };
}

import { isoSeconds } from '@obs-automation/core';
import { type CsvRow, readCsvRows } from './csv-records.js';
import { missingInput, quoted } from './input-errors.js';
import { type InputFile, openInputStream } from './input-file.js';
import { parseRunTimestamp } from './run-timestamp.js';
import { contains, type WeekWindow } from './week-window.js';

/** A row of `runs/index.csv`: the fields the weekly report uses, null where the cell is empty. */
export interface IndexedRun {
  run_id: string;
  run_dir: string | null;
  at: Date;
  timestamp: string;
  symbol: string | null;
  mode: string | null;
  trades: number | null;
  wins: number | null;
  total_pips: number | null;
  win_rate: number | null;
  sharpe: number | null;
  max_drawdown: number | null;
  pnl_per_trade: number | null;
}

/**
 * Streams the runs index and keeps the runs whose timestamp falls in the week, newest first
 * (ties by run_id, so the order is stable). A header-only index has no runs.
 */
export async function readRunsInWeek(index: InputFile, week: WeekWindow): Promise<IndexedRun[]> {
  const source = await openInputStream(index);
  if (!source) throw missingInput([index.relative]);
  const runs: IndexedRun[] = [];
  for await (const row of readCsvRows(source, { file: index.relative, required: ['run_id', 'timestamp'] })) {
    const run = indexedRun(row);
    if (contains(week, run.at)) runs.push(run);
  }
  return runs.sort((a, b) => b.at.getTime() - a.at.getTime() || compareText(a.run_id, b.run_id));
}

function indexedRun(row: CsvRow): IndexedRun {
  const runId = row.text('run_id');
  if (runId === null) throw row.invalid('run_id', 'run_id is empty');
  const timestampText = row.text('timestamp');
  if (timestampText === null) throw row.invalid('timestamp', 'timestamp is empty');
  const at = parseRunTimestamp(timestampText);
  if (!at) throw row.invalid('timestamp', `${quoted(timestampText)} is neither YYYYMMDD_HHMMSS nor ISO-8601`);
  return {
    run_id: runId,
    run_dir: row.text('run_dir'),
    at,
    timestamp: isoSeconds(at),
    symbol: row.text('symbol'),
    mode: row.text('mode'),
    trades: row.count('trades'),
    wins: row.count('wins'),
    total_pips: row.number('total_pips'),
    win_rate: row.number('win_rate'),
    sharpe: row.number('sharpe'),
    max_drawdown: row.number('max_drawdown'),
    pnl_per_trade: row.number('pnl_per_trade'),
  };
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

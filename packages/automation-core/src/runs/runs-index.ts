import { parseStampOrTimestamp } from '../clock.js';
import { missingInput } from '../input-errors.js';
import { type InputFile, openInputFile } from '../input-file.js';
import type { CsvRow } from '../tabular/csv-row.js';
import { readCsvRows } from '../tabular/csv-rows.js';

/** One run of `runs/index.csv`; null where the cell is empty (the earlier tooling's wide header loads too). */
export interface IndexedRun {
  run_id: string;
  run_dir: string | null;
  /** the `timestamp` column: `YYYYMMDD_HHMMSS` (UTC) or ISO-8601 */
  at: Date;
  symbol: string | null;
  mode: string | null;
  equity: number | null;
  trades: number | null;
  wins: number | null;
  total_pips: number | null;
  win_rate: number | null;
  sharpe: number | null;
  max_drawdown: number | null;
  pnl_per_trade: number | null;
}

const RUNS_INDEX_REQUIRED_COLUMNS = ['run_id', 'timestamp'] as const;

/**
 * Streams the runs of `runs/index.csv` in file order; every job reading runs reads them here,
 * so they all accept and reject the same rows. A missing index is `missing_input`; a header-only
 * index has no runs; a bad cell is `invalid_input` naming the line and column.
 */
export async function* readRunsIndex(
  index: InputFile,
  options: { onBytes?: (chunk: Buffer) => void } = {},
): AsyncGenerator<IndexedRun> {
  const source = await openInputFile(index);
  if (!source) throw missingInput([index.relative]);
  const rows = readCsvRows(source, {
    file: index.relative,
    required: RUNS_INDEX_REQUIRED_COLUMNS,
    onBytes: options.onBytes,
  });
  for await (const row of rows) yield indexedRun(row);
}

function indexedRun(row: CsvRow): IndexedRun {
  return {
    run_id: row.required('run_id', row.text('run_id')),
    run_dir: row.text('run_dir'),
    at: row.required(
      'timestamp',
      row.parsed('timestamp', parseStampOrTimestamp, 'YYYYMMDD_HHMMSS or ISO-8601'),
    ),
    symbol: row.text('symbol'),
    mode: row.text('mode'),
    equity: row.number('equity'),
    trades: row.count('trades'),
    wins: row.count('wins'),
    total_pips: row.number('total_pips'),
    win_rate: row.fraction('win_rate'),
    sharpe: row.number('sharpe'),
    max_drawdown: row.number('max_drawdown'),
    pnl_per_trade: row.number('pnl_per_trade'),
  };
}

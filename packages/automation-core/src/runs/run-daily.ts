import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type InputFile, inputFile, openInputFile, type PathResolver } from '../input-file.js';
import { readCsvRows } from '../tabular/csv-rows.js';
import type { IndexedRun } from './runs-index.js';

/** One day of a run's `daily.csv` (`date,…,fills,wins,pnl_pips`). */
export interface DailyRow {
  date: Date;
  /** null when the cell is empty */
  fills: number | null;
  pnl_pips: number | null;
}

export interface RunDaily {
  file: InputFile;
  /** SHA-256 (lower-case hex) of the bytes read */
  sha256: string;
  days: DailyRow[];
}

const DAILY_REQUIRED_COLUMNS = ['date', 'fills', 'pnl_pips'] as const;

/**
 * Where a run's daily.csv may be, in order: under the index's `run_dir` (root-relative, as the
 * earlier tooling wrote it), then `<runs-root>/<run_id>/` when the run id is a plain name.
 */
export function dailyCandidates(run: Pick<IndexedRun, 'run_id' | 'run_dir'>, runsRoot: string): string[] {
  const candidates: string[] = [];
  if (run.run_dir !== null) candidates.push(join(run.run_dir, 'daily.csv'));
  if (!/[\\/]/.test(run.run_id) && run.run_id !== '..' && run.run_id !== '.')
    candidates.push(join(runsRoot, run.run_id, 'daily.csv'));
  return [...new Set(candidates)];
}

/**
 * Reads a run's daily.csv from the first candidate that exists (see dailyCandidates); null
 * when there is none. Every day needs a date; fills cannot be negative.
 */
export async function readRunDaily(
  run: Pick<IndexedRun, 'run_id' | 'run_dir'>,
  runsRoot: string,
  paths: PathResolver,
): Promise<RunDaily | null> {
  for (const candidate of dailyCandidates(run, runsRoot)) {
    const file = inputFile(paths, candidate);
    const source = await openInputFile(file);
    if (!source) continue;
    const hash = createHash('sha256');
    const days: DailyRow[] = [];
    const rows = readCsvRows(source, {
      file: file.relative,
      required: DAILY_REQUIRED_COLUMNS,
      onBytes: (chunk) => hash.update(chunk),
    });
    for await (const row of rows) {
      days.push({
        date: row.required('date', row.timestamp('date')),
        fills: row.nonNegative('fills'),
        pnl_pips: row.number('pnl_pips'),
      });
    }
    return { file, sha256: hash.digest('hex'), days };
  }
  return null;
}

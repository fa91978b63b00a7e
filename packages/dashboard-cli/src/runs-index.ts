import { createHash } from 'node:crypto';
import { parseAnyTimestamp } from './compact-timestamp.js';
import { CsvColumns } from './csv-columns.js';
import { type CsvRecord, streamCsvRecords } from './csv-source.js';
import { invalidInput } from './input-errors.js';
import { displayPath, type InputFile } from './input-files.js';

/** One run of runs/index.csv, read by column name (the earlier tooling's wide header loads too). */
export interface RunIndexRow {
  runId: string;
  runDir: string | null;
  timestamp: string | null;
  symbol: string | null;
  mode: string | null;
  equity: number | null;
  trades: number | null;
  wins: number | null;
  winRate: number | null;
}

export interface LatestRuns {
  runs: RunIndexRow[];
  input: InputFile;
}

/** A compact stamp or an ISO timestamp, as ISO-8601 UTC; anything else is invalid input. */
function runTimestamp(columns: CsvColumns, { cells, line }: CsvRecord): string | null {
  const text = columns.text(cells, 'timestamp');
  if (text === null) return null;
  const parsed = parseAnyTimestamp(text);
  if (!parsed) throw columns.invalidCell('timestamp', line, text, 'YYYYMMDD_HHMMSS or ISO-8601');
  return parsed.toISOString();
}

function toRow(columns: CsvColumns, record: CsvRecord, shown: string): RunIndexRow {
  const { cells, line } = record;
  const runId = columns.text(cells, 'run_id');
  if (runId === null) throw invalidInput(`runs index ${shown}:${line}: run_id is empty`, shown, { line });
  return {
    runId,
    runDir: columns.text(cells, 'run_dir'),
    timestamp: runTimestamp(columns, record),
    symbol: columns.text(cells, 'symbol'),
    mode: columns.text(cells, 'mode'),
    equity: columns.number(cells, 'equity', line),
    trades: columns.count(cells, 'trades', line),
    wins: columns.count(cells, 'wins', line),
    winRate: columns.fraction(cells, 'win_rate', line),
  };
}

/**
 * The last `limit` rows of runs/index.csv in file order. The file is streamed (and hashed in the
 * same pass) keeping only a window of recent records, so its size does not matter; only the
 * kept rows are interpreted.
 */
export async function readLatestRuns(absolute: string, root: string, limit: number): Promise<LatestRuns> {
  const shown = displayPath(root, absolute);
  const hash = createHash('sha256');
  let columns: CsvColumns | null = null;
  let recent: CsvRecord[] = [];
  for await (const record of streamCsvRecords(absolute, shown, 'runs index', (chunk) => hash.update(chunk))) {
    if (!columns) {
      columns = new CsvColumns(record.cells, shown, 'runs index');
      columns.requireColumns(['run_id']);
      continue;
    }
    recent.push(record);
    if (recent.length >= limit * 2) recent = recent.slice(-limit);
  }
  const kept = recent.slice(-limit);
  return {
    // streamCsvRecords has yielded the header line, or thrown for an empty file
    runs: kept.map((record) => toRow(columns as CsvColumns, record, shown)),
    input: { path: shown, sha256: hash.digest('hex') },
  };
}

import { createHash } from 'node:crypto';
import {
  type CsvRow,
  LATENCY_ROLLUP_COLUMNS,
  missingInput,
  openInputStream,
  readCsvRows,
} from '@obs-automation/core';
import type { DatasetContent } from './dataset-content.js';
import { displayPath } from './input-files.js';

export interface LatencyRow {
  window_start: string;
  window_end: string;
  count: number | null;
  failure_count: number | null;
  failure_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  breach_flag: boolean | null;
  breach_streak: number | null;
}

interface Dated {
  startMs: number;
  row: CsvRow;
}

function timestampCell(row: CsvRow, column: string): Date {
  return row.required(column, row.timestamp(column));
}

function toRow({ startMs, row }: Dated): LatencyRow {
  return {
    window_start: new Date(startMs).toISOString(),
    window_end: timestampCell(row, 'window_end_utc').toISOString(),
    count: row.count('count'),
    failure_count: row.count('failure_count'),
    failure_rate: row.fraction('failure_rate'),
    p50_ms: row.nonNegative('p50_ms'),
    p95_ms: row.nonNegative('p95_ms'),
    p99_ms: row.nonNegative('p99_ms'),
    max_ms: row.nonNegative('max_ms'),
    breach_flag: row.boolean('breach_flag'),
    breach_streak: row.count('breach_streak'),
  };
}

const newestFirst = (left: Dated, right: Dated) =>
  right.startMs - left.startMs || right.row.line - left.row.line;

/**
 * latency: the newest `limit` rollup windows, newest first. The rollup is streamed (and hashed
 * in the same pass) keeping only the newest windows seen so far, so memory stays flat whatever
 * the file's size or order.
 */
export async function buildLatency(rollupPath: string, root: string, limit: number): Promise<DatasetContent> {
  const shown = displayPath(root, rollupPath);
  const hash = createHash('sha256');
  const source = await openInputStream({ path: rollupPath, relative: shown });
  if (!source) throw missingInput([shown]);
  let newest: Dated[] = [];
  const rows = readCsvRows(source, {
    file: shown,
    required: LATENCY_ROLLUP_COLUMNS,
    onBytes: (chunk) => hash.update(chunk),
  });
  for await (const row of rows) {
    newest.push({ startMs: timestampCell(row, 'hour_utc').getTime(), row });
    if (newest.length >= limit * 2) newest = newest.sort(newestFirst).slice(0, limit);
  }
  const kept = newest.sort(newestFirst).slice(0, limit);
  return {
    dataset: 'latency',
    rows: kept.map(toRow),
    inputs: [{ path: shown, sha256: hash.digest('hex') }],
    sources: [shown],
  };
}

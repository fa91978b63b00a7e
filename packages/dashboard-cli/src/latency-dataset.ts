import { createHash } from 'node:crypto';
import { parseTimestamp } from '@obs-automation/core';
import { CsvColumns } from './csv-columns.js';
import { type CsvRecord, streamCsvRecords } from './csv-source.js';
import type { DatasetContent } from './dataset-content.js';
import { invalidInput } from './input-errors.js';
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

const ROLLUP_COLUMNS = [
  'hour_utc',
  'window_end_utc',
  'count',
  'failure_count',
  'failure_rate',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'breach_flag',
  'breach_streak',
] as const;

interface Dated {
  startMs: number;
  record: CsvRecord;
}

function timestampCell(columns: CsvColumns, record: CsvRecord, column: string, shown: string): Date {
  const text = columns.text(record.cells, column);
  const parsed = text === null ? null : parseTimestamp(text);
  if (!parsed) {
    throw invalidInput(
      `latency rollup ${shown}:${record.line}: column ${column}: ${JSON.stringify(text ?? '')} is not an ISO-8601 timestamp`,
      shown,
      { line: record.line, column },
    );
  }
  return parsed;
}

function toRow(columns: CsvColumns, { startMs, record }: Dated, shown: string): LatencyRow {
  const { cells, line } = record;
  return {
    window_start: new Date(startMs).toISOString(),
    window_end: timestampCell(columns, record, 'window_end_utc', shown).toISOString(),
    count: columns.integer(cells, 'count', line),
    failure_count: columns.integer(cells, 'failure_count', line),
    failure_rate: columns.number(cells, 'failure_rate', line),
    p50_ms: columns.number(cells, 'p50_ms', line),
    p95_ms: columns.number(cells, 'p95_ms', line),
    p99_ms: columns.number(cells, 'p99_ms', line),
    max_ms: columns.number(cells, 'max_ms', line),
    breach_flag: columns.boolean(cells, 'breach_flag', line),
    breach_streak: columns.integer(cells, 'breach_streak', line),
  };
}

const newestFirst = (left: Dated, right: Dated) =>
  right.startMs - left.startMs || right.record.line - left.record.line;

/**
 * latency: the newest `limit` rollup windows, newest first. The rollup is streamed (and hashed
 * in the same pass) keeping only the newest windows seen so far, so memory stays flat whatever
 * the file's size or order.
 */
export async function buildLatency(rollupPath: string, root: string, limit: number): Promise<DatasetContent> {
  const shown = displayPath(root, rollupPath);
  const hash = createHash('sha256');
  let columns: CsvColumns | null = null;
  let newest: Dated[] = [];
  for await (const record of streamCsvRecords(rollupPath, shown, 'latency rollup', (chunk) =>
    hash.update(chunk),
  )) {
    if (!columns) {
      columns = new CsvColumns(record.cells, shown, 'latency rollup');
      columns.requireColumns(ROLLUP_COLUMNS);
      continue;
    }
    newest.push({ startMs: timestampCell(columns, record, 'hour_utc', shown).getTime(), record });
    if (newest.length >= limit * 2) newest = newest.sort(newestFirst).slice(0, limit);
  }
  const kept = newest.sort(newestFirst).slice(0, limit);
  return {
    dataset: 'latency',
    rows: columns ? kept.map((item) => toRow(columns as CsvColumns, item, shown)) : [],
    inputs: [{ path: shown, sha256: hash.digest('hex') }],
    sources: [shown],
  };
}

import { createHash } from 'node:crypto';
import { LATENCY_ROLLUP_COLUMNS, parseTimestamp } from '@obs-automation/core';
import { CsvColumns } from './csv-columns.js';
import { type CsvRecord, streamCsvRecords } from './csv-source.js';
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
  record: CsvRecord;
}

function timestampCell(columns: CsvColumns, record: CsvRecord, column: string): Date {
  const text = columns.text(record.cells, column);
  const parsed = text === null ? null : parseTimestamp(text);
  if (!parsed) throw columns.invalidCell(column, record.line, text ?? '', 'an ISO-8601 timestamp');
  return parsed;
}

function toRow(columns: CsvColumns, { startMs, record }: Dated): LatencyRow {
  const { cells, line } = record;
  return {
    window_start: new Date(startMs).toISOString(),
    window_end: timestampCell(columns, record, 'window_end_utc').toISOString(),
    count: columns.count(cells, 'count', line),
    failure_count: columns.count(cells, 'failure_count', line),
    failure_rate: columns.fraction(cells, 'failure_rate', line),
    p50_ms: columns.nonNegative(cells, 'p50_ms', line),
    p95_ms: columns.nonNegative(cells, 'p95_ms', line),
    p99_ms: columns.nonNegative(cells, 'p99_ms', line),
    max_ms: columns.nonNegative(cells, 'max_ms', line),
    breach_flag: columns.boolean(cells, 'breach_flag', line),
    breach_streak: columns.count(cells, 'breach_streak', line),
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
      columns.requireColumns(LATENCY_ROLLUP_COLUMNS);
      continue;
    }
    newest.push({ startMs: timestampCell(columns, record, 'hour_utc').getTime(), record });
    if (newest.length >= limit * 2) newest = newest.sort(newestFirst).slice(0, limit);
  }
  const kept = newest.sort(newestFirst).slice(0, limit);
  return {
    dataset: 'latency',
    // streamCsvRecords has yielded the header line, or thrown for an empty file
    rows: kept.map((item) => toRow(columns as CsvColumns, item)),
    inputs: [{ path: shown, sha256: hash.digest('hex') }],
    sources: [shown],
  };
}

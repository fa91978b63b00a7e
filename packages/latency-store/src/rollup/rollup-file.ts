import { createHash } from 'node:crypto';
import { isoSeconds } from '@obs-automation/core';
import type { CsvRow } from '../csv/csv-row.js';
import { CsvTokenizer } from '../csv/csv-tokenizer.js';
import { cannotRead, openChunks } from '../file-chunks.js';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import { LATENCY_ROLLUP_COLUMNS } from './rollup-columns.js';

/** The figures of one window, rounded as they are written. */
export interface RollupFigures {
  count: number;
  failureCount: number;
  failureRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One row of the rollup CSV as obs-latency writes it. */
export interface RollupRow extends RollupFigures {
  startMs: number;
  /** exclusive */
  endMs: number;
  breachFlag: boolean;
  breachStreak: number;
}

/** A row as read back: files written before the breach columns existed have none. */
export interface StoredRollupRow extends RollupFigures {
  startMs: number;
  endMs: number;
  breachFlag: boolean | null;
  breachStreak: number | null;
}

export interface RollupScan {
  rows: number;
  /** lower-case hex SHA-256 of the file's bytes */
  sha256: string;
}

/** Columns every rollup has; breach_flag and breach_streak are recomputed by obs-latency, so older files without them load. */
const REQUIRED_COLUMNS = LATENCY_ROLLUP_COLUMNS.slice(0, 9);

type Column = (typeof LATENCY_ROLLUP_COLUMNS)[number];
type Positions = Record<Column, number>;

class RowReader {
  constructor(
    private readonly file: LatencyFile,
    private readonly row: CsvRow,
    private readonly positions: Positions,
  ) {}

  fail(column: Column | undefined, problem: string): LatencyFileError {
    return new LatencyFileError(
      { file: this.file.label, line: this.row.line, ...(column && { column }) },
      problem,
    );
  }

  timestamp(column: Column): number {
    const index = this.positions[column];
    const value = this.row.timestampMs(index);
    if (Number.isNaN(value))
      throw this.fail(column, `${column} ${this.row.quoted(index)} is not an ISO-8601 timestamp`);
    return value;
  }

  /** A non-negative number; with `integer`, a whole one; with `atMost`, no larger. */
  number(column: Column, rule: { integer?: boolean; atMost?: number } = {}): number {
    const index = this.positions[column];
    if (this.row.isBlank(index)) throw this.fail(column, `${column} is empty`);
    const value = this.row.decimal(index);
    const expected = rule.integer
      ? 'a whole number ≥ 0'
      : rule.atMost === undefined
        ? 'a number ≥ 0'
        : `a number between 0 and ${rule.atMost}`;
    if (
      Number.isNaN(value) ||
      value < 0 ||
      (rule.integer && !Number.isInteger(value)) ||
      value > (rule.atMost ?? Number.POSITIVE_INFINITY)
    ) {
      throw this.fail(column, `${column} ${this.row.quoted(index)} is not ${expected}`);
    }
    return value;
  }

  breachFlag(): boolean | null {
    const index = this.positions.breach_flag;
    if (index < 0 || this.row.isBlank(index)) return null;
    if (this.row.equalsAnyIgnoringCase(index, ['true'])) return true;
    if (this.row.equalsAnyIgnoringCase(index, ['false'])) return false;
    throw this.fail('breach_flag', `breach_flag ${this.row.quoted(index)} is not true or false`);
  }

  breachStreak(): number | null {
    const index = this.positions.breach_streak;
    if (index < 0 || this.row.isBlank(index)) return null;
    return this.number('breach_streak', { integer: true });
  }
}

function storedRow(reader: RowReader): StoredRollupRow {
  const startMs = reader.timestamp('hour_utc');
  const endMs = reader.timestamp('window_end_utc');
  if (endMs <= startMs) throw reader.fail('window_end_utc', 'window_end_utc is not after hour_utc');
  return {
    startMs,
    endMs,
    count: reader.number('count', { integer: true }),
    failureCount: reader.number('failure_count', { integer: true }),
    failureRate: reader.number('failure_rate', { atMost: 1 }),
    p50Ms: reader.number('p50_ms'),
    p95Ms: reader.number('p95_ms'),
    p99Ms: reader.number('p99_ms'),
    maxMs: reader.number('max_ms'),
    breachFlag: reader.breachFlag(),
    breachStreak: reader.breachStreak(),
  };
}

function positionsOf(file: LatencyFile, header: CsvRow): { positions: Positions; width: number } {
  if (header.problem) throw new LatencyFileError({ file: file.label, line: 1 }, `header: ${header.problem}`);
  const names = Array.from({ length: header.fieldCount }, (_, index) =>
    header.text(index).trim().toLowerCase(),
  );
  const missing = REQUIRED_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new LatencyFileError({ file: file.label, line: 1 }, `rollup header lacks ${missing.join(', ')}`);
  }
  const positions = Object.fromEntries(
    LATENCY_ROLLUP_COLUMNS.map((name) => [name, names.indexOf(name)]),
  ) as Positions;
  return { positions, width: header.fieldCount };
}

/**
 * Streams the rollup CSV (columns found by header name) to `onRow`, and hashes its bytes in the
 * same pass; null when the file does not exist. Every value is checked — timestamps, counts,
 * rates within 0..1, non-negative milliseconds — and the first bad one is a LatencyFileError
 * naming the file, line and column: the rollup is obs-latency's own output, so a bad row means
 * a hand edit or damage that an operator should see rather than have silently dropped. A file
 * without even a header line is one too.
 */
export async function scanRollupFile(
  file: LatencyFile,
  onRow: (row: StoredRollupRow) => void,
): Promise<RollupScan | null> {
  const hash = createHash('sha256');
  const chunks = await openChunks(file, { onStoredBytes: (chunk) => hash.update(chunk) });
  if (!chunks) return null;
  let columns: { positions: Positions; width: number } | null = null;
  let rows = 0;
  const tokenizer = new CsvTokenizer((row) => {
    if (!columns) {
      columns = positionsOf(file, row);
      return;
    }
    if (row.isBlankRecord()) return;
    const reader = new RowReader(file, row, columns.positions);
    if (row.problem) throw reader.fail(undefined, row.problem);
    if (row.fieldCount !== columns.width) {
      throw reader.fail(
        undefined,
        `expected ${columns.width} columns as in the header, found ${row.fieldCount}`,
      );
    }
    rows += 1;
    onRow(storedRow(reader));
  });
  try {
    for await (const chunk of chunks) tokenizer.push(chunk);
    tokenizer.end();
  } catch (error) {
    if (error instanceof LatencyFileError) throw error;
    throw cannotRead(file, error);
  }
  if (!columns)
    throw new LatencyFileError({ file: file.label, line: 1 }, 'empty file: expected the rollup header');
  return { rows, sha256: hash.digest('hex') };
}

/** Every row of the rollup CSV (see scanRollupFile); a missing file has none. */
export async function readRollupFile(file: LatencyFile): Promise<StoredRollupRow[]> {
  const rows: StoredRollupRow[] = [];
  await scanRollupFile(file, (row) => rows.push(row));
  return rows;
}

/** The rollup CSV; every value is a number, a boolean or a timestamp, so none needs quoting. */
export function formatRollup(rows: readonly RollupRow[]): string {
  let text = `${LATENCY_ROLLUP_COLUMNS.join(',')}\n`;
  for (const row of rows) {
    text += `${isoSeconds(new Date(row.startMs))},${isoSeconds(new Date(row.endMs))},${row.count},${row.failureCount},${row.failureRate},${row.p50Ms},${row.p95Ms},${row.p99Ms},${row.maxMs},${row.breachFlag},${row.breachStreak}\n`;
  }
  return text;
}

import { createHash } from 'node:crypto';
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

/** What a numeric column may hold. */
interface NumberRule {
  integer: boolean;
  max: number;
  expected: string;
}

const WHOLE: NumberRule = { integer: true, max: Number.POSITIVE_INFINITY, expected: 'a whole number ≥ 0' };
const RATE: NumberRule = { integer: false, max: 1, expected: 'a number between 0 and 1' };
const MILLISECONDS: NumberRule = {
  integer: false,
  max: Number.POSITIVE_INFINITY,
  expected: 'a number ≥ 0',
};

/** Reads the values of the tokenizer's current row (the tokenizer reuses one row object for all). */
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

  number(column: Column, rule: NumberRule): number {
    const index = this.positions[column];
    const value = this.row.decimal(index);
    if (value >= 0 && value <= rule.max && (!rule.integer || Number.isInteger(value))) return value;
    if (this.row.isBlank(index)) throw this.fail(column, `${column} is empty`);
    throw this.fail(column, `${column} ${this.row.quoted(index)} is not ${rule.expected}`);
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
    return this.number('breach_streak', WHOLE);
  }

  stored(): StoredRollupRow {
    const startMs = this.timestamp('hour_utc');
    const endMs = this.timestamp('window_end_utc');
    if (endMs <= startMs) throw this.fail('window_end_utc', 'window_end_utc is not after hour_utc');
    return {
      startMs,
      endMs,
      count: this.number('count', WHOLE),
      failureCount: this.number('failure_count', WHOLE),
      failureRate: this.number('failure_rate', RATE),
      p50Ms: this.number('p50_ms', MILLISECONDS),
      p95Ms: this.number('p95_ms', MILLISECONDS),
      p99Ms: this.number('p99_ms', MILLISECONDS),
      maxMs: this.number('max_ms', MILLISECONDS),
      breachFlag: this.breachFlag(),
      breachStreak: this.breachStreak(),
    };
  }
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
  let width = -1;
  let reader: RowReader | null = null;
  let rows = 0;
  const tokenizer = new CsvTokenizer((row) => {
    if (!reader) {
      const header = positionsOf(file, row);
      width = header.width;
      reader = new RowReader(file, row, header.positions);
      return;
    }
    if (row.isBlankRecord()) return;
    if (row.problem) throw reader.fail(undefined, row.problem);
    if (row.fieldCount !== width) {
      throw reader.fail(undefined, `expected ${width} columns as in the header, found ${row.fieldCount}`);
    }
    rows += 1;
    onRow(reader.stored());
  });
  try {
    for await (const chunk of chunks) tokenizer.push(chunk);
    tokenizer.end();
  } catch (error) {
    if (error instanceof LatencyFileError) throw error;
    throw cannotRead(file, error);
  }
  if (!reader)
    throw new LatencyFileError({ file: file.label, line: 1 }, 'empty file: expected the rollup header');
  return { rows, sha256: hash.digest('hex') };
}

/** Every row of the rollup CSV (see scanRollupFile); a missing file has none. */
export async function readRollupFile(file: LatencyFile): Promise<StoredRollupRow[]> {
  const rows: StoredRollupRow[] = [];
  await scanRollupFile(file, (row) => rows.push(row));
  return rows;
}

/** `YYYY-MM-DDThh:mm:ssZ`; windows start on whole minutes, so nothing is cut. */
const isoSecondsOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The rollup CSV; every value is a number, a boolean or a timestamp, so none needs quoting. */
export function formatRollup(rows: readonly RollupRow[]): string {
  let text = `${LATENCY_ROLLUP_COLUMNS.join(',')}\n`;
  for (const row of rows) {
    text += `${isoSecondsOf(row.startMs)},${isoSecondsOf(row.endMs)},${row.count},${row.failureCount},${row.failureRate},${row.p50Ms},${row.p95Ms},${row.p99Ms},${row.maxMs},${row.breachFlag},${row.breachStreak}\n`;
  }
  return text;
}

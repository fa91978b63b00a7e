import { readFile } from 'node:fs/promises';
import { errorMessageOf, isoSeconds, JobError, LATENCY_ROLLUP_COLUMNS } from '@obs-automation/core';
import { parseDecimalText } from './ascii-decimal.js';
import { parseTimestampText } from './ascii-timestamp.js';
import { applyBreachStreaks, type BreachRule } from './breach.js';
import type { WindowFigures } from './window-samples.js';

/** One row of the rollup CSV: the figures of one window. */
export interface RollupRow extends WindowFigures {
  startMs: number;
  endMs: number;
  breachFlag: boolean;
  breachStreak: number;
}

/** Columns a rollup must have; breach_flag and breach_streak are recomputed, so older files without them load. */
const REQUIRED_COLUMNS = LATENCY_ROLLUP_COLUMNS.slice(0, 9);

function rowError(path: string, line: number, message: string): JobError {
  return new JobError('input_unreadable', `${path}: line ${line}: ${message}`, { file: path, line });
}

const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

/** This package writes `YYYY-MM-DDThh:mm:ssZ`; anything else is read by the general parser. */
function timestampOf(text: string): number {
  return CANONICAL_TIMESTAMP.test(text) ? Date.parse(text) : parseTimestampText(text);
}

function numberOf(text: string): number {
  return PLAIN_NUMBER.test(text) ? Number(text) : parseDecimalText(text);
}

/**
 * Parses one data line. The rollup is written by this job and never quoted, so a plain split
 * reads it; a quoted or otherwise damaged line fails the checks below with its line number.
 */
function parseRollupLine(
  path: string,
  line: number,
  text: string,
  columns: ReadonlyMap<string, number>,
): RollupRow {
  const fields = text.split(',');
  if (fields.length !== columns.size) {
    throw rowError(path, line, `expected ${columns.size} columns, found ${fields.length}`);
  }
  const values: number[] = [];
  for (const name of REQUIRED_COLUMNS) {
    const field = (fields[columns.get(name) as number] as string).trim();
    const isTimestamp = name === 'hour_utc' || name === 'window_end_utc';
    const value = isTimestamp ? timestampOf(field) : numberOf(field);
    const integer = name === 'count' || name === 'failure_count';
    if (Number.isNaN(value) || (!isTimestamp && value < 0) || (integer && !Number.isInteger(value))) {
      const expected = isTimestamp ? 'a timestamp' : `a non-negative ${integer ? 'integer' : 'number'}`;
      throw rowError(path, line, `${name} "${field}" is not ${expected}`);
    }
    values.push(value);
  }
  const [startMs, endMs, count, failureCount, failureRate, p50Ms, p95Ms, p99Ms, maxMs] = values as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (endMs <= startMs) throw rowError(path, line, 'window_end_utc is not after hour_utc');
  return {
    startMs,
    endMs,
    count,
    failureCount,
    failureRate,
    p50Ms,
    p95Ms,
    p99Ms,
    maxMs,
    breachFlag: false,
    breachStreak: 0,
  };
}

/**
 * Reads a rollup CSV by header name; a missing file is an empty rollup. A malformed row is
 * `input_unreadable` naming the file and line: the rollup is this job's own output, so a bad row
 * means a hand edit that an operator should look at rather than have silently dropped.
 */
export async function readRollup(path: string): Promise<RollupRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new JobError('input_unreadable', `${path}: cannot read: ${errorMessageOf(error)}`, { file: path });
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const names = (lines[0] ?? '').split(',').map((name) => name.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length > 0) throw rowError(path, 1, `rollup header lacks ${missing.join(', ')}`);
  const columns = new Map(names.map((name, index) => [name, index]));
  const rows: RollupRow[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (line.trim() !== '') rows.push(parseRollupLine(path, index + 1, line, columns));
  }
  return rows;
}

function rowsOverlap(a: { startMs: number; endMs: number }, b: { startMs: number; endMs: number }): boolean {
  return a.startMs < b.endMs && b.startMs < a.endMs;
}

/**
 * The rollup after this run: recomputed windows replace every existing row they overlap
 * (a changed --window supersedes old rows instead of mixing with them), other rows are kept,
 * rows that ended before `retentionCutoffMs` are dropped, and flags and streaks are recomputed
 * over the result, sorted by window start.
 */
export function mergeRollup(
  existing: readonly RollupRow[],
  recomputed: readonly RollupRow[],
  retentionCutoffMs: number,
  rule: BreachRule,
): RollupRow[] {
  const fresh = [...recomputed].sort((a, b) => a.startMs - b.startMs);
  const kept = existing.filter((row) => !overlapsAny(row, fresh));
  const merged = [...kept, ...fresh]
    .filter((row) => row.endMs >= retentionCutoffMs)
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  applyBreachStreaks(merged, rule);
  return merged;
}

/** Binary search over rows sorted by start. */
function overlapsAny(row: RollupRow, sorted: readonly RollupRow[]): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as RollupRow).endMs <= row.startMs) low = middle + 1;
    else high = middle;
  }
  const candidate = sorted[low];
  return candidate !== undefined && rowsOverlap(row, candidate);
}

/** The rollup CSV; every value is a number, a boolean or a timestamp, so none needs quoting. */
export function formatRollup(rows: readonly RollupRow[]): string {
  let text = `${LATENCY_ROLLUP_COLUMNS.join(',')}\n`;
  for (const row of rows) {
    text += `${isoSeconds(row.startMs)},${isoSeconds(row.endMs)},${row.count},${row.failureCount},${row.failureRate},${row.p50Ms},${row.p95Ms},${row.p99Ms},${row.maxMs},${row.breachFlag},${row.breachStreak}\n`;
  }
  return text;
}

import type { Readable } from 'node:stream';
import { JobError, parseTimestamp } from '@obs-automation/core';
import { CsvError, parse } from 'csv-parse';
import { invalidInput, quoted, shortened, unreadableInput } from './input-errors.js';

/** One data row of a CSV input, read by column name; empty cells and absent columns are null. */
export class CsvRow {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly columns: ReadonlyMap<string, number>,
    private readonly cells: readonly string[],
  ) {}

  text(column: string): string | null {
    const index = this.columns.get(column);
    if (index === undefined) return null;
    const value = (this.cells[index] ?? '').trim();
    return value === '' ? null : value;
  }

  number(column: string): number | null {
    const value = this.text(column);
    if (value === null) return null;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw this.invalid(column, `${quoted(value)} is not a number`);
    return parsed;
  }

  /** A number that cannot be negative (a count of fills, a latency). */
  nonNegative(column: string): number | null {
    const value = this.number(column);
    if (value !== null && value < 0)
      throw this.invalid(column, `${quoted(this.text(column) ?? '')} is negative`);
    return value;
  }

  integer(column: string): number | null {
    const value = this.number(column);
    if (value !== null && !Number.isInteger(value))
      throw this.invalid(column, `${quoted(this.text(column) ?? '')} is not an integer`);
    return value;
  }

  /** A whole number that cannot be negative (trades, wins, a streak). */
  count(column: string): number | null {
    const value = this.integer(column);
    if (value !== null && value < 0)
      throw this.invalid(column, `${quoted(this.text(column) ?? '')} is negative`);
    return value;
  }

  /** ISO-8601 (a timestamp without a zone is UTC). */
  timestamp(column: string): Date | null {
    const value = this.text(column);
    if (value === null) return null;
    const parsed = parseTimestamp(value);
    if (!parsed) throw this.invalid(column, `${quoted(value)} is not an ISO-8601 timestamp`);
    return parsed;
  }

  invalid(column: string, problem: string) {
    return invalidInput({ file: this.file, line: this.line, key: column }, problem);
  }
}

export interface CsvReadOptions {
  /** root-relative path for messages */
  file: string;
  /** columns that must be present in the header */
  required?: readonly string[];
}

/**
 * Streams the rows of a CSV whose first line is a header (BOM and CRLF tolerated, blank lines
 * skipped). A row whose cell count differs from the header's is invalid input naming its line.
 */
export async function* readCsvRows(source: Readable, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let columns: Map<string, number> | undefined;
  let width = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!columns) {
        columns = headerColumns(record, options);
        width = record.length;
        continue;
      }
      if (record.length !== width) {
        throw invalidInput(
          { file: options.file, line: info.lines },
          `expected ${width} columns as in the header, found ${record.length}`,
        );
      }
      yield new CsvRow(options.file, info.lines, columns, record);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw invalidInput({ file: options.file, line }, `malformed CSV: ${shortened(error.message)}`);
    }
    if ((error as NodeJS.ErrnoException).code !== undefined && !(error instanceof JobError))
      throw unreadableInput(options.file, error);
    throw error;
  } finally {
    source.unpipe(parser);
    source.destroy();
  }
  if (!columns) throw invalidInput({ file: options.file, line: 1 }, 'empty file: expected a header line');
}

function headerColumns(header: readonly string[], options: CsvReadOptions): Map<string, number> {
  const columns = new Map<string, number>();
  header.forEach((name, index) => {
    const trimmed = name.trim();
    if (trimmed !== '' && !columns.has(trimmed)) columns.set(trimmed, index);
  });
  const absent = (options.required ?? []).filter((name) => !columns.has(name));
  if (absent.length > 0) {
    throw invalidInput({ file: options.file, line: 1 }, `header lacks column ${absent.join(', ')}`);
  }
  return columns;
}

import { parseTimestamp } from '../clock.js';
import { invalidInput, quoted } from '../input-errors.js';
import type { JobError } from '../job-error.js';

/**
 * Cells that mean "no value", compared case-insensitively after trimming: empty, and what
 * Python and pandas write for a missing number (`None`, `nan`, `NA`, `N/A`, `null`).
 */
const NULL_CELLS: ReadonlySet<string> = new Set(['', 'nan', 'none', 'null', 'na', 'n/a']);
/** Boolean words, compared case-insensitively (Python writes `True`/`False`). */
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'f', 'no', 'n', '0']);

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function decimalOf(text: string): number | null {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? value : null;
}

/**
 * One data row of a CSV input, read by column name. Every accessor returns null for an absent
 * column or a null cell, and throws `invalid_input` naming the file, line and column for a
 * cell that is not what the column holds; `required` turns a null into that error.
 */
export class CsvRow {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly columns: ReadonlyMap<string, number>,
    private readonly cells: readonly string[],
  ) {}

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** The trimmed cell, or null. */
  text(column: string): string | null {
    const index = this.columns.get(column);
    if (index === undefined) return null;
    const value = (this.cells[index] ?? '').trim();
    return NULL_CELLS.has(value.toLowerCase()) ? null : value;
  }

  /** A decimal number (`-1.5`, `2.`, `.5`, `1e-05`); hexadecimal, `Infinity` and the like are invalid. */
  number(column: string): number | null {
    return this.parsed(column, decimalOf, 'a number');
  }

  integer(column: string): number | null {
    return this.checked(column, this.number(column), Number.isInteger, 'a whole number');
  }

  /** A number that cannot be negative (fills, a latency). */
  nonNegative(column: string): number | null {
    return this.checked(column, this.number(column), (value) => value >= 0, 'a number ≥ 0');
  }

  /** A whole number that cannot be negative (trades, wins, a streak). */
  count(column: string): number | null {
    return this.checked(column, this.integer(column), (value) => value >= 0, 'a whole number ≥ 0');
  }

  /** A rate between 0 and 1. */
  fraction(column: string): number | null {
    return this.checked(column, this.number(column), (value) => value >= 0 && value <= 1, 'between 0 and 1');
  }

  boolean(column: string): boolean | null {
    return this.parsed(
      column,
      (text) => {
        const word = text.toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        return FALSE_WORDS.has(word) ? false : null;
      },
      'true or false',
    );
  }

  /** ISO-8601 (a timestamp without a zone is UTC). */
  timestamp(column: string): Date | null {
    return this.parsed(column, parseTimestamp, 'an ISO-8601 timestamp');
  }

  /** The cell read by `parse`, which returns null for text it cannot read (`expected` names what it wanted). */
  parsed<T>(column: string, parse: (text: string) => T | null, expected: string): T | null {
    const text = this.text(column);
    if (text === null) return null;
    const value = parse(text);
    if (value === null) throw this.invalid(column, `${quoted(text)} is not ${expected}`);
    return value;
  }

  /** `value` (read from `column`), which must not be null. */
  required<T>(column: string, value: T | null): T {
    if (value === null) throw this.invalid(column, `${column} is empty`);
    return value;
  }

  invalid(column: string, problem: string): JobError {
    return invalidInput({ file: this.file, line: this.line, column }, problem);
  }

  private checked<T>(
    column: string,
    value: T | null,
    accept: (value: T) => boolean,
    expected: string,
  ): T | null {
    if (value !== null && !accept(value))
      throw this.invalid(column, `${quoted(this.text(column) ?? '')} is not ${expected}`);
    return value;
  }
}

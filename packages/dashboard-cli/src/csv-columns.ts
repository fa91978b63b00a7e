import { invalidInput } from './input-errors.js';

const NULL_TOKENS = new Set(['', 'nan', 'none', 'null', 'na', 'n/a']);
/** How much of a bad cell a message quotes: enough to find it, never a whole 10 MB line. */
const QUOTED_CHARACTERS = 60;

/**
 * A CSV header, read by column name so that files with extra or reordered columns (the earlier
 * tooling's and ours) load alike. Cell readers turn empty and NaN-like cells into null and
 * report anything else unreadable as `invalid_input` naming the file, line and column.
 */
export class CsvColumns {
  private readonly positions = new Map<string, number>();

  constructor(
    header: readonly string[],
    private readonly shown: string,
    private readonly what: string,
  ) {
    header.forEach((name, index) => {
      const key = name.trim();
      if (!this.positions.has(key)) this.positions.set(key, index);
    });
  }

  requireColumns(columns: readonly string[]): void {
    const missing = columns.filter((column) => !this.positions.has(column));
    if (missing.length > 0) {
      throw invalidInput(
        `${this.what} ${this.shown}:1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        this.shown,
        { line: 1, missing_columns: missing },
      );
    }
  }

  /** The trimmed cell, or null when the column is absent or the cell is empty / NaN-like. */
  text(cells: readonly string[], column: string): string | null {
    const position = this.positions.get(column);
    if (position === undefined) return null;
    const value = (cells[position] ?? '').trim();
    return NULL_TOKENS.has(value.toLowerCase()) ? null : value;
  }

  number(cells: readonly string[], column: string, line: number): number | null {
    const value = this.text(cells, column);
    if (value === null) return null;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw this.invalidCell(column, line, value, 'a number');
    return parsed;
  }

  integer(cells: readonly string[], column: string, line: number): number | null {
    const parsed = this.number(cells, column, line);
    if (parsed !== null && !Number.isInteger(parsed))
      throw this.invalidCell(column, line, this.cell(cells, column), 'a whole number');
    return parsed;
  }

  /** A quantity that cannot be negative (fills, a latency). */
  nonNegative(cells: readonly string[], column: string, line: number): number | null {
    const value = this.number(cells, column, line);
    if (value !== null && value < 0)
      throw this.invalidCell(column, line, this.cell(cells, column), 'a number ≥ 0');
    return value;
  }

  /** A whole number that cannot be negative (trades, a streak). */
  count(cells: readonly string[], column: string, line: number): number | null {
    const value = this.integer(cells, column, line);
    if (value !== null && value < 0)
      throw this.invalidCell(column, line, this.cell(cells, column), 'a whole number ≥ 0');
    return value;
  }

  /** A rate between 0 and 1. */
  fraction(cells: readonly string[], column: string, line: number): number | null {
    const value = this.number(cells, column, line);
    if (value !== null && (value < 0 || value > 1))
      throw this.invalidCell(column, line, this.cell(cells, column), 'between 0 and 1');
    return value;
  }

  private cell(cells: readonly string[], column: string): string {
    return cells[this.positions.get(column) as number] ?? '';
  }

  /** `invalid_input` for a cell that is not what its column holds, quoting (the start of) it. */
  invalidCell(column: string, line: number, value: string, expected: string): Error {
    const quoted = value.length > QUOTED_CHARACTERS ? `${value.slice(0, QUOTED_CHARACTERS)}…` : value;
    return invalidInput(
      `${this.what} ${this.shown}:${line}: column ${column}: ${JSON.stringify(quoted)} is not ${expected}`,
      this.shown,
      { line, column },
    );
  }
}

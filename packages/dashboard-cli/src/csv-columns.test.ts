import { JobError } from '@obs-automation/core';
import { describe, expect, it } from 'vitest';
import { CsvColumns } from './csv-columns.js';

const columns = new CsvColumns(['trades', 'fills', 'rate'], 'runs/index.csv', 'runs index');

function errorOf(read: () => unknown): JobError {
  try {
    read();
  } catch (error) {
    if (error instanceof JobError) return error;
  }
  throw new Error('expected a JobError');
}

describe('CsvColumns ranges', () => {
  it('reads counts, quantities and rates in range, and NaN-like cells as null', () => {
    expect(columns.count(['3', '2.5', '0.25'], 'trades', 2)).toBe(3);
    expect(columns.nonNegative(['3', '2.5', '0.25'], 'fills', 2)).toBe(2.5);
    expect(columns.fraction(['3', '2.5', '0.25'], 'rate', 2)).toBe(0.25);
    expect(columns.count(['NaN', '', 'n/a'], 'trades', 2)).toBeNull();
  });

  it('refuses a negative count or quantity and a rate outside 0..1, naming file, line and column', () => {
    expect(errorOf(() => columns.count(['-3', '', ''], 'trades', 4)).message).toBe(
      'runs index runs/index.csv:4: column trades: "-3" is not a whole number ≥ 0',
    );
    expect(errorOf(() => columns.nonNegative(['', '-0.5', ''], 'fills', 5)).details).toEqual({
      path: 'runs/index.csv',
      line: 5,
      column: 'fills',
    });
    expect(errorOf(() => columns.fraction(['', '', '1.2'], 'rate', 6)).code).toBe('invalid_input');
  });

  it('quotes only the start of a long cell', () => {
    const message = errorOf(() => columns.count(['x'.repeat(10_000), '', ''], 'trades', 2)).message;
    expect(message.length).toBeLessThan(200);
  });
});

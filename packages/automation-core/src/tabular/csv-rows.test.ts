import { describe, expect, it } from 'vitest';
import { JobError } from '../job-error.js';
import { streamOf } from '../test-support/csv-stream.js';
import type { CsvRow } from './csv-row.js';
import { type CsvReadOptions, readCsvRows } from './csv-rows.js';

const FILE = 'runs/index.csv';

async function rowsOf(text: string | Buffer, options: Partial<CsvReadOptions> = {}): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsvRows(streamOf(text), { file: FILE, ...options })) rows.push(row);
  return rows;
}

async function errorOf(work: Promise<unknown>): Promise<JobError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

/** The first data row's cell of `column`, read by `read`. */
async function cell<T>(column: string, value: string, read: (row: CsvRow) => T): Promise<T> {
  const [row] = await rowsOf(`${column},other\n${value},x\n`);
  return read(row as CsvRow);
}

describe('readCsvRows', () => {
  it('reads columns by name, in any order and with extra columns', async () => {
    const [row] = await rowsOf('extra,trades,run_id\nx,3,r1\n', { required: ['run_id'] });
    expect(row?.text('run_id')).toBe('r1');
    expect(row?.count('trades')).toBe(3);
    expect(row?.has('sharpe')).toBe(false);
    expect(row?.number('sharpe')).toBeNull();
  });

  it('handles a BOM, CRLF and quoted fields', async () => {
    const rows = await rowsOf('\uFEFFrun_id,note\r\n"r,1","a ""quoted"" note"\r\nr2,plain\r\n');
    expect(rows.map((row) => [row.line, row.text('run_id'), row.text('note')])).toEqual([
      [2, 'r,1', 'a "quoted" note'],
      [3, 'r2', 'plain'],
    ]);
  });

  it('reads a header-only file as no rows', async () => {
    expect(await rowsOf('run_id,trades\n')).toEqual([]);
  });

  it('rejects an empty file at line 1, unless empty means "no rows yet"', async () => {
    const error = await errorOf(rowsOf(''));
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual({ file: FILE, line: 1 });
    expect(await rowsOf('', { emptyHasNoRows: true })).toEqual([]);
  });

  it('names the columns a header lacks', async () => {
    const error = await errorOf(rowsOf('run_id,trades\n', { required: ['run_id', 'timestamp', 'mode'] }));
    expect(error.message).toBe(`${FILE}:1: header lacks columns timestamp, mode`);
    expect(error.details).toEqual({ file: FILE, line: 1, missing_columns: ['timestamp', 'mode'] });
  });

  it('rejects a row with the wrong number of columns, naming its line', async () => {
    const error = await errorOf(rowsOf('a,b\n1,2\n\n3\n'));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(`${FILE}:4: expected 2 columns as in the header, found 1`);
    expect(error.details).toEqual({ file: FILE, line: 4 });
  });

  it('hands such rows to onInconsistentRow instead when asked', async () => {
    const skipped: number[] = [];
    const rows = await rowsOf('a,b\n1,2\n3\n4,5,6\n7,8\n', {
      onInconsistentRow: (line) => skipped.push(line),
    });
    expect(rows.map((row) => row.line)).toEqual([2, 5]);
    expect(skipped).toEqual([3, 4]);
  });

  it('passes every byte to onBytes', async () => {
    const text = 'a,b\n"1",2\n3,4\n'.repeat(50);
    const seen: Buffer[] = [];
    await rowsOf(text, { onBytes: (chunk) => seen.push(chunk), onInconsistentRow: () => {} }).catch(() => {});
    expect(Buffer.concat(seen).toString()).toBe(text);
  });
});

describe('CsvRow cells', () => {
  it.each(['', '  ', 'NaN', 'nan', 'None', 'null', 'NULL', 'NA', 'n/a', 'N/A'])(
    '%j is no value',
    async (value) => {
      expect(await cell('x', value, (row) => row.number('x'))).toBeNull();
      expect(await cell('x', value, (row) => row.text('x'))).toBeNull();
      expect(await cell('x', value, (row) => row.boolean('x'))).toBeNull();
    },
  );

  it.each([
    ['True', true],
    ['true', true],
    ['t', true],
    ['YES', true],
    ['y', true],
    ['1', true],
    ['False', false],
    ['f', false],
    ['no', false],
    ['N', false],
    ['0', false],
  ])('%j is the boolean %s', async (value, expected) => {
    expect(await cell('flag', value, (row) => row.boolean('flag'))).toBe(expected);
  });

  it.each([
    ['-1.5', -1.5],
    ['2.', 2],
    ['.5', 0.5],
    ['1e-05', 0.00001],
    [' 42 ', 42],
    ['+3', 3],
  ])('%j is the number %d', async (value, expected) => {
    expect(await cell('x', value, (row) => row.number('x'))).toBe(expected);
  });

  it.each(['0x10', 'Infinity', '-inf', '1e400', '12 pips', '1_000', '--1', 'e5'])(
    '%j is not a number',
    async (value) => {
      const error = await errorOf(cell('x', value, (row) => row.number('x')));
      expect(error.code).toBe('invalid_input');
      expect(error.details).toEqual({ file: FILE, line: 2, column: 'x' });
      expect(error.message).toBe(`${FILE}:2, column x: ${JSON.stringify(value.trim())} is not a number`);
    },
  );

  it('checks whole numbers, counts, quantities and rates', async () => {
    expect(await cell('x', '3', (row) => row.count('x'))).toBe(3);
    expect((await errorOf(cell('x', '2.5', (row) => row.integer('x')))).message).toContain(
      'is not a whole number',
    );
    expect((await errorOf(cell('x', '-2', (row) => row.count('x')))).message).toContain(
      '"-2" is not a whole number ≥ 0',
    );
    expect((await errorOf(cell('x', '-0.1', (row) => row.nonNegative('x')))).message).toContain(
      'is not a number ≥ 0',
    );
    expect(await cell('x', '0.25', (row) => row.fraction('x'))).toBe(0.25);
    expect((await errorOf(cell('x', '1.5', (row) => row.fraction('x')))).message).toContain(
      'between 0 and 1',
    );
  });

  it('reads ISO-8601 timestamps as UTC and rejects other text', async () => {
    expect((await cell('at', '2025-10-08T10:15:00', (row) => row.timestamp('at')))?.toISOString()).toBe(
      '2025-10-08T10:15:00.000Z',
    );
    expect((await errorOf(cell('at', '07/10/2025', (row) => row.timestamp('at')))).details).toEqual({
      file: FILE,
      line: 2,
      column: 'at',
    });
  });

  it('rejects a boolean it does not know', async () => {
    expect((await errorOf(cell('flag', 'maybe', (row) => row.boolean('flag')))).message).toContain(
      '"maybe" is not true or false',
    );
  });

  it('makes a required empty cell invalid_input naming the column', async () => {
    const error = await errorOf(cell('run_id', '', (row) => row.required('run_id', row.text('run_id'))));
    expect(error.message).toBe(`${FILE}:2, column run_id: run_id is empty`);
  });

  it('quotes at most the start of a huge cell', async () => {
    const error = await errorOf(cell('x', 'z'.repeat(100_000), (row) => row.number('x')));
    expect(error.message.length).toBeLessThan(200);
  });
});

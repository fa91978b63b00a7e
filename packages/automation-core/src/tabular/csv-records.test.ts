import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobError } from '../job-error.js';
import { streamOf } from '../test-support/csv-stream.js';
import { type CsvRecord, csvRecords } from './csv-records.js';

async function recordsOf(text: string | Buffer, chunkBytes?: number): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const batch of csvRecords(streamOf(text, chunkBytes), 'in.csv')) records.push(...batch);
  return records;
}

async function errorOf(text: string, chunkBytes?: number): Promise<JobError> {
  const error = await recordsOf(text, chunkBytes).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

/** What csv-parse reads from the same text: the reference for every path of csvRecords. */
function csvParseRecords(text: string): CsvRecord[] {
  const parsed = parse(text, {
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return parsed.map(({ record, info }) => ({ line: info.lines, cells: record }));
}

describe('csvRecords', () => {
  it('splits plain lines, skipping blank ones but counting them', async () => {
    expect(await recordsOf('a,b\n1,2\n\n3,4\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 4, cells: ['3', '4'] },
    ]);
  });

  it('drops a BOM and reads CRLF and a last line without a newline', async () => {
    expect(await recordsOf('\uFEFFa,b\r\n1,2\r\n3,4')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 3, cells: ['3', '4'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines from the file start', async () => {
    expect(await recordsOf('a,b\n1,2\n"x, y","say ""hi"""\n"two\nlines",z\n5,6\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 3, cells: ['x, y', 'say "hi"'] },
      { line: 5, cells: ['two\nlines', 'z'] },
      { line: 6, cells: ['5', '6'] },
    ]);
  });

  it('reports an unclosed quote as invalid_input naming the file', async () => {
    const error = await errorOf('a,b\n1,2\n"open,3\n');
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^in\.csv:\d+: malformed CSV/);
    expect(error.details.file).toBe('in.csv');
  });

  it('reports a quote inside an unquoted field with its line', async () => {
    const error = await errorOf('a,b\n1,2\n3,4"x\n');
    expect(error.details).toMatchObject({ file: 'in.csv', line: 3 });
  });

  it('keeps a carriage return that does not end a line inside its cell', async () => {
    expect(await recordsOf('a,b\n1\r2,3\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1\r2', '3'] },
    ]);
  });

  it('gives the same records whatever the chunk size, multi-byte characters included', async () => {
    const text = '\uFEFFname,city\r\nZoë,Zürich\r\n"Ł, ó","東京"\r\n\r\nend,\u00e9\r\n';
    const whole = await recordsOf(text);
    for (const size of [1, 2, 3, 5, 7]) expect(await recordsOf(text, size)).toEqual(whole);
  });

  it('agrees with csv-parse on generated files, quoted or not, at any chunk size', async () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9 .-]{0,6}$/),
      fc.constant('x"y'),
      fc
        .string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'é'), maxLength: 6 })
        .map((text) => `"${text.replaceAll('"', '""')}"`),
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(line, fc.constant('')), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (lines, newline, finalNewline, chunkBytes) => {
          const text = lines.join(newline) + (finalNewline ? newline : '');
          let expected: CsvRecord[] | 'error';
          try {
            expected = csvParseRecords(text);
          } catch {
            expected = 'error';
          }
          const actual = await recordsOf(text, chunkBytes).catch(() => 'error' as const);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvRecord, parseCsvBytes, streamCsvRecords } from './csv-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function streamed(text: string): Promise<CsvRecord[]> {
  const path = join(dir, `f-${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, text);
  const records: CsvRecord[] = [];
  for await (const record of streamCsvRecords(path, 'f.csv', 'test file')) records.push(record);
  return records;
}

/** The records, or the message of the error (an empty file) on which both readers must agree. */
async function outcome(read: () => CsvRecord[] | Promise<CsvRecord[]>): Promise<CsvRecord[] | string> {
  try {
    return await read();
  } catch (error) {
    return (error as Error).message;
  }
}

const cell = fc.stringMatching(/^[a-z0-9.\- ]{0,6}$/);

describe('CSV sources', () => {
  it('the unquoted fast path gives the same records as csv-parse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((width) =>
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }),
          ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (rows, newline, blankLine) => {
          const lines = rows.map((row) => row.join(','));
          if (blankLine) lines.splice(1, 0, '');
          const text = `${lines.join(newline)}${newline}`;
          expect(await outcome(() => parseCsvBytes(Buffer.from(text), 'f.csv', 'test file'))).toEqual(
            await outcome(() => streamed(text)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('strips a BOM and reads quoted cells through csv-parse', () => {
    const records = parseCsvBytes(Buffer.from('\uFEFFa,b\n"x,1",2\n'), 'f.csv', 'test file');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x,1', '2'] },
    ]);
  });

  it('reports a row with the wrong number of cells with its line, on both paths', async () => {
    expect(() => parseCsvBytes(Buffer.from('a,b\n1,2\n3\n'), 'f.csv', 'test file')).toThrow(/f\.csv:3:/);
    expect(() => parseCsvBytes(Buffer.from('a,b\n"1",2\n3\n'), 'f.csv', 'test file')).toThrow(/f\.csv:3:/);
    await expect(streamed('a,b\n1,2\n3\n')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('reports a file without even a header line as invalid_input naming line 1, on both paths', async () => {
    for (const text of ['', '\uFEFF', '\n\n']) {
      expect(() => parseCsvBytes(Buffer.from(text), 'f.csv', 'test file')).toThrow(
        'test file f.csv:1: empty file, expected a header line',
      );
      await expect(streamed(text)).rejects.toMatchObject({ code: 'invalid_input', details: { line: 1 } });
    }
  });

  it('reports a missing file as missing_input', async () => {
    const iterate = async () => {
      for await (const _ of streamCsvRecords(join(dir, 'nope.csv'), 'nope.csv', 'test file')) {
        // nothing
      }
    };
    await expect(iterate()).rejects.toMatchObject({
      code: 'missing_input',
      message: 'test file nope.csv does not exist',
    });
  });
});

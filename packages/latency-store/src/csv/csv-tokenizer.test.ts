import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine } from './csv-format.js';
import {
  CsvTokenizer,
  type CsvTokenizerOptions,
  DEFAULT_MAX_RECORD_BYTES,
  MAX_QUOTED_RECORD_LINES,
  OVERLONG_PREFIX_BYTES,
} from './csv-tokenizer.js';

interface Seen {
  line: number;
  fields: string[];
  problem: string | null;
  raw: string;
}

function tokenize(chunks: (string | Buffer)[], options: CsvTokenizerOptions = {}): Seen[] {
  const seen: Seen[] = [];
  const tokenizer = new CsvTokenizer((row) => {
    seen.push({
      line: row.line,
      fields: Array.from({ length: row.fieldCount }, (_, index) => row.text(index)),
      problem: row.problem,
      raw: row.raw().toString('utf8'),
    });
  }, options);
  for (const chunk of chunks) tokenizer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
  tokenizer.end();
  return seen;
}

/** The bytes cut into chunks at the given points (taken modulo the length). */
function cutAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let previous = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(previous, point));
    previous = point;
  }
  return chunks;
}

describe('CsvTokenizer', () => {
  it('splits plain records and numbers their lines', () => {
    expect(tokenize(['a,b,c\n1,2,3\n'])).toEqual([
      { line: 1, fields: ['a', 'b', 'c'], problem: null, raw: 'a,b,c' },
      { line: 2, fields: ['1', '2', '3'], problem: null, raw: '1,2,3' },
    ]);
  });

  it('skips a byte order mark, drops CR before LF and reads a last line without LF', () => {
    const rows = tokenize(['\uFEFFh1,h2\r\nx,y\r\nlast,row']);
    expect(rows.map((row) => row.fields)).toEqual([
      ['h1', 'h2'],
      ['x', 'y'],
      ['last', 'row'],
    ]);
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes', () => {
    const rows = tokenize(['a,"b, with comma","say ""hi""","two\nlines"\nnext,1,2,3\n']);
    expect(rows[0]).toMatchObject({ line: 1, fields: ['a', 'b, with comma', 'say "hi"', 'two\nlines'] });
    expect(rows[1]).toMatchObject({ line: 3, fields: ['next', '1', '2', '3'] });
  });

  it('reports malformed quoting instead of guessing', () => {
    expect(tokenize(['"ab"c,d\n'])[0]?.problem).toBe('malformed quoted field');
    expect(tokenize(['ab"c,d\n'])[0]?.problem).toBe('malformed quoted field');
  });

  it('rejects only the first line of an unterminated quote, then reads on', () => {
    const rows = tokenize(['x,"never closed\nok,1\n']);
    expect(rows[0]).toMatchObject({ line: 1, problem: 'unterminated quoted field', raw: 'x,"never closed' });
    expect(rows[1]).toMatchObject({ line: 2, fields: ['ok', '1'] });
    const long = `a,"open\n${'filler,1\n'.repeat(MAX_QUOTED_RECORD_LINES + 5)}`;
    const longRows = tokenize([long]);
    expect(longRows[0]?.problem).toBe('unterminated quoted field');
    expect(longRows.slice(1).every((row) => row.fields.join(',') === 'filler,1')).toBe(true);
    expect(longRows).toHaveLength(MAX_QUOTED_RECORD_LINES + 6);
  });

  it('rejects a line past the record limit once, keeping its start, and reads on', () => {
    const long = 'x'.repeat(DEFAULT_MAX_RECORD_BYTES + 1);
    const text = `h1,h2\n${long}\nok,1\n`;
    const chunked = Array.from({ length: Math.ceil(text.length / 4096) }, (_, index) =>
      text.slice(index * 4096, (index + 1) * 4096),
    );
    for (const chunks of [[text], chunked]) {
      const rows = tokenize(chunks);
      expect(rows).toHaveLength(3);
      expect(rows[1]).toEqual({
        line: 2,
        fields: [],
        problem: `line of ${DEFAULT_MAX_RECORD_BYTES + 1} bytes is longer than the limit of ${DEFAULT_MAX_RECORD_BYTES} bytes`,
        raw: 'x'.repeat(OVERLONG_PREFIX_BYTES),
      });
      expect(rows[2]).toMatchObject({ line: 3, fields: ['ok', '1'], problem: null });
    }
    // A line exactly at the limit is a record like any other.
    expect(tokenize([`${'y'.repeat(DEFAULT_MAX_RECORD_BYTES)}\n`])[0]?.problem).toBeNull();
  });

  it('rejects an over-long last line without a line feed, and a quoted record past the limit', () => {
    expect(tokenize(['a\n', 'b'.repeat(40)], { maxRecordBytes: 16 })[1]).toMatchObject({
      line: 2,
      problem: 'line of 40 bytes is longer than the limit of 16 bytes',
      raw: 'b'.repeat(16),
    });
    // The quoted record spans lines and grows past the limit: its first line goes, the rest is read again.
    const rows = tokenize(['"a\n', 'bbbbbbbbbbbbbbbbbbbb"\nok\n'], { maxRecordBytes: 16 });
    expect(rows.map((row) => [row.line, row.problem ?? row.fields.join('|')])).toEqual([
      [1, 'unterminated quoted field'],
      [2, 'line of 21 bytes is longer than the limit of 16 bytes'],
      [3, 'ok'],
    ]);
  });

  it('gives the same rows, rejected ones included, however the input is cut, whatever the limit', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r', 'x'), maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 24 }),
        (lines, cuts, maxRecordBytes) => {
          const bytes = Buffer.from(lines.join('\n'), 'utf8');
          expect(tokenize(cutAt(bytes, cuts), { maxRecordBytes })).toEqual(
            tokenize([bytes], { maxRecordBytes }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same records however the input is cut into chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', ' ', '1'), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (records, cuts, crlf) => {
          const text =
            records.map((record) => csvLine(record)).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
          const bytes = Buffer.from(text, 'utf8');
          const whole = tokenize([bytes]);
          expect(tokenize(cutAt(bytes, cuts))).toEqual(whole);
          expect(whole.map((row) => row.fields)).toEqual(records);
        },
      ),
    );
  });
});

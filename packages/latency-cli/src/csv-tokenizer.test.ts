import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine } from './csv-format.js';
import { CsvTokenizer, MAX_QUOTED_RECORD_LINES } from './csv-tokenizer.js';

interface Seen {
  line: number;
  fields: string[];
  problem: string | null;
  raw: string;
}

function tokenize(chunks: (string | Buffer)[]): Seen[] {
  const seen: Seen[] = [];
  const tokenizer = new CsvTokenizer((row) => {
    seen.push({
      line: row.line,
      fields: Array.from({ length: row.fieldCount }, (_, index) => row.text(index)),
      problem: row.problem,
      raw: row.raw().toString('utf8'),
    });
  });
  for (const chunk of chunks) tokenizer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
  tokenizer.end();
  return seen;
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
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let previous = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(previous, point));
            previous = point;
          }
          const whole = tokenize([bytes]);
          expect(tokenize(chunks)).toEqual(whole);
          expect(whole.map((row) => row.fields)).toEqual(records);
        },
      ),
    );
  });
});

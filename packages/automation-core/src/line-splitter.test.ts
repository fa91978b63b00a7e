import { describe, expect, it } from 'vitest';
import { type FileLine, LineSplitter } from './line-splitter.js';

function split(chunks: string[], maxKeptBytes: number) {
  const long: { line: number; bytes: string }[] = [];
  const lines: FileLine[] = [];
  const splitter = new LineSplitter({
    maxKeptBytes,
    onLongLineBytes: (bytes, line) => long.push({ line, bytes: bytes.toString() }),
  });
  for (const chunk of chunks) splitter.push(Buffer.from(chunk), (line) => lines.push(line));
  splitter.end((line) => lines.push(line));
  return { lines, long };
}

describe('LineSplitter', () => {
  it('hands every byte of a line over the cap to onLongLineBytes, in order, before the line', () => {
    const { lines, long } = split(['ok\nabc', 'defgh', 'ij\nshort\nklmnopqrs', 'tu'], 5);
    expect(lines.map((line) => [line.number, line.text, line.bytes])).toEqual([
      [1, 'ok', 2],
      [2, null, 10],
      [3, 'short', 5],
      [4, null, 11],
    ]);
    const joined = (line: number) =>
      long
        .filter((piece) => piece.line === line)
        .map((piece) => piece.bytes)
        .join('');
    expect(joined(2)).toBe('abcdefghij');
    expect(joined(4)).toBe('klmnopqrstu');
  });

  it('keeps no long line when nobody asks for its bytes', () => {
    const { lines } = split(['x'.repeat(100), '\n'], 10);
    expect(lines).toEqual([{ number: 1, text: null, raw: null, bytes: 100 }]);
  });
});

describe('LineSplitter text', () => {
  it('reads every line as UTF-8, whether its chunk is ASCII or not', () => {
    const bytes = Buffer.concat([
      Buffer.from('plain ascii\nmore ascii\n'),
      Buffer.from('en dash – here\nemoji \u{1f600}\n'),
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0xc3, 0x0a]),
      Buffer.from('split é across\nlast'),
    ]);
    const expected = bytes
      .toString('utf8')
      .split('\n')
      .map((text) => Buffer.from(text, 'utf8').toString('utf8'));
    for (const size of [1, 2, 5, 12, 23, bytes.length]) {
      const lines: FileLine[] = [];
      const splitter = new LineSplitter({ maxKeptBytes: 1000 });
      for (let start = 0; start < bytes.length; start += size) {
        splitter.push(bytes.subarray(start, start + size), (line) => lines.push(line));
      }
      splitter.end((line) => lines.push(line));
      expect(lines.map((line) => line.text)).toEqual(expected);
    }
  });
});

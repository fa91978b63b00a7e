import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileLine, forEachLine, lineBatches } from './line-reader.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-reader-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function linesOf(content: string | Buffer, options = {}): Promise<FileLine[]> {
  const path = join(dir, 'file');
  await writeFile(path, content);
  const lines: FileLine[] = [];
  await forEachLine(path, options, (line) => lines.push(line));
  return lines;
}

describe('forEachLine', () => {
  it('numbers lines, keeps empty ones and reports a last line without a newline', async () => {
    const lines = await linesOf('a\n\nbc\nlast');
    expect(lines.map((line) => [line.number, line.text, line.bytes])).toEqual([
      [1, 'a', 1],
      [2, '', 0],
      [3, 'bc', 2],
      [4, 'last', 4],
    ]);
  });

  it('joins lines that cross chunk boundaries', async () => {
    const long = 'x'.repeat(700_000);
    const content = `${long}\n${long}\n${long}\nend\n`;
    const lines = await linesOf(content);
    expect(lines.map((line) => line.bytes)).toEqual([700_000, 700_000, 700_000, 3]);
    expect(lines.every((line, index) => index === 3 || line.text === long)).toBe(true);
  });

  it('measures but does not keep a line longer than maxKeptBytes', async () => {
    const lines = await linesOf(`short\n${'y'.repeat(3_000_000)}\nafter\n`, { maxKeptBytes: 1000 });
    expect(lines.map((line) => [line.text, line.bytes])).toEqual([
      ['short', 5],
      [null, 3_000_000],
      ['after', 5],
    ]);
  });

  it('reads only up to endOffset', async () => {
    const lines = await linesOf('one\ntwo\nthree\n', { endOffset: 8 });
    expect(lines.map((line) => line.text)).toEqual(['one', 'two']);
  });

  it('hands out the exact bytes with keepRaw', async () => {
    const path = join(dir, 'raw');
    await writeFile(path, Buffer.from([0x61, 0xff, 0x0a, 0x62, 0x0a]));
    const raws: string[] = [];
    for await (const batch of lineBatches(path, { keepRaw: true })) {
      for (const line of batch) raws.push((line.raw as Buffer).toString('hex'));
    }
    expect(raws).toEqual(['61ff', '62']);
  });
});

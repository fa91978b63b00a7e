import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastSequencedEntry, linesBackwards } from './log-tail.js';

const CHUNK = 64 * 1024;
let dir: string;
let log: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-tail-'));
  log = join(dir, 'automation_runs.log');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (sequence: number, padding = 0) =>
  `${JSON.stringify({ job_id: `20260101T000000Z-job${sequence}`, sequence, pad: 'p'.repeat(padding) })}\n`;

describe('lastSequencedEntry', () => {
  it('is null for a missing or empty log', async () => {
    expect(await lastSequencedEntry(log)).toBeNull();
    await writeFile(log, '');
    expect(await lastSequencedEntry(log)).toBeNull();
  });

  it('finds the last line with a sequence', async () => {
    await writeFile(log, line(1) + line(2) + line(3));
    expect(await lastSequencedEntry(log)).toEqual({ sequence: 3, jobId: '20260101T000000Z-job3' });
  });

  it('finds a single line without a trailing newline', async () => {
    await writeFile(log, line(9).trimEnd());
    expect(await lastSequencedEntry(log)).toEqual({ sequence: 9, jobId: '20260101T000000Z-job9' });
  });

  it('passes over a torn tail', async () => {
    await writeFile(log, `${line(1)}${line(2)}${line(3).slice(0, 25)}`);
    expect((await lastSequencedEntry(log))?.sequence).toBe(2);
  });

  it('passes over lines without a sequence (gap warnings, hand edits, blank lines)', async () => {
    const warning = `${JSON.stringify({ job_id: '20260101T000000Z-x', status: 'warning' })}\n`;
    await writeFile(log, `${line(4)}${warning}not json\n\n${JSON.stringify({ sequence: 'five' })}\n`);
    expect(await lastSequencedEntry(log)).toEqual({ sequence: 4, jobId: '20260101T000000Z-job4' });
  });

  it.each([1, 100, 3000])(
    'reads a sequenced line cut by the 64 KiB chunk boundary %i bytes before its end',
    async (offset) => {
      const target = line(2, 3100);
      // An unsequenced last line puts the boundary inside the target line.
      const tail = `${'t'.repeat(CHUNK - offset - 1)}\n`;
      await writeFile(log, line(1) + target + tail);
      expect(await lastSequencedEntry(log)).toEqual({ sequence: 2, jobId: '20260101T000000Z-job2' });
    },
  );

  it('finds an entry several chunks back past a torn tail', async () => {
    const torn = 'x'.repeat(3 * CHUNK + 17);
    await writeFile(log, `${line(1)}${line(41, CHUNK)}${torn}`);
    expect((await lastSequencedEntry(log))?.sequence).toBe(41);
  });

  it('skips an overlong garbage tail without holding it in memory, and finds the entry before it', async () => {
    await writeFile(log, `${line(7)}${'g'.repeat(3 * 1024 * 1024)}\n`);
    expect((await lastSequencedEntry(log))?.sequence).toBe(7);
  });

  it('handles a log of many lines, finding the last', async () => {
    const lines = Array.from({ length: 5000 }, (_, index) => line(index + 1, index % 50)).join('');
    await writeFile(log, lines);
    expect((await lastSequencedEntry(log))?.sequence).toBe(5000);
  });
});

describe('linesBackwards', () => {
  async function readBackwards(text: string, maxBytes?: number): Promise<string[]> {
    await writeFile(log, text);
    const handle = await open(log, 'r');
    try {
      const lines: string[] = [];
      const size = Buffer.byteLength(text);
      for await (const found of linesBackwards(handle, size, maxBytes === undefined ? {} : { maxBytes }))
        lines.push(found.toString('utf8'));
      return lines;
    } finally {
      await handle.close();
    }
  }

  it('yields every line from the end, across chunks; with maxBytes only the lines wholly inside it', async () => {
    const lineText = fc.string({ unit: fc.constantFrom('a', 'é', '{', ' '), maxLength: 3000 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineText, { maxLength: 120 }),
        fc.boolean(),
        fc.nat(),
        async (lines, trailingNewline, cutSeed) => {
          const text = lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : '');
          const bytes = Buffer.from(text);
          expect(await readBackwards(text)).toEqual(bytes.length === 0 ? [] : text.split('\n').reverse());
          const maxBytes = 1 + (cutSeed % Math.max(1, bytes.length));
          if (maxBytes >= bytes.length) return;
          const kept = bytes
            .subarray(bytes.length - maxBytes)
            .toString('latin1')
            .split('\n')
            .slice(1);
          const expected = kept.map((part) => Buffer.from(part, 'latin1').toString('utf8')).reverse();
          expect(await readBackwards(text, maxBytes)).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads a line that spans two chunks whole', async () => {
    const long = 'x'.repeat(CHUNK + 10);
    expect(await readBackwards(`first\n${long}\nlast`)).toEqual(['last', long, 'first']);
  });
});

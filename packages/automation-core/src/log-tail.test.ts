import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastSequencedEntry } from './log-tail.js';

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

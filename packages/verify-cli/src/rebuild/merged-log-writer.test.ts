import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptEntriesByTime } from './kept-entries.js';
import { writeMergedLog } from './merged-log-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merged-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (id: string, minute: number, extra: Record<string, unknown> = {}) => ({
  job_id: id,
  sequence: 99,
  logged_at: `2025-10-06T10:${String(minute).padStart(2, '0')}:00.000Z`,
  diagnostics: {},
  ...extra,
});

async function merge(kept: object[], inOrder: boolean, reconstructed: Record<string, unknown>[]) {
  const keptPath = join(dir, 'kept');
  await writeFile(keptPath, `${kept.map((item) => JSON.stringify(item)).join('\n')}\n`);
  const outputPath = join(dir, 'out');
  const output = await open(outputPath, 'w');
  const last = await writeMergedLog(output, keptEntriesByTime(keptPath, inOrder), reconstructed);
  await output.close();
  const lines = (await readFile(outputPath, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { last, lines };
}

describe('writeMergedLog', () => {
  it('merges reconstructed entries by time and numbers from 1', async () => {
    const { last, lines } = await merge([entry('a', 1), entry('b', 5)], true, [entry('r', 3), entry('s', 9)]);
    expect(lines.map((line) => [line.job_id, line.sequence])).toEqual([
      ['a', 1],
      ['r', 2],
      ['b', 3],
      ['s', 4],
    ]);
    expect(last).toBe(4);
  });

  it('orders a log that is not in time order, keeping file order among equal times', async () => {
    const kept = [entry('late', 8), entry('early', 2), entry('tie-1', 5), entry('tie-2', 5)];
    const { lines } = await merge(kept, false, [entry('r', 5)]);
    expect(lines.map((line) => line.job_id)).toEqual(['early', 'tie-1', 'tie-2', 'r', 'late']);
  });

  it('leaves sequence_gap warnings without a sequence', async () => {
    const warning = {
      job_id: 'w',
      status: 'warning',
      logged_at: '2025-10-06T10:02:00.000Z',
      diagnostics: { error_code: 'sequence_gap' },
    };
    const { lines } = await merge([entry('a', 1), warning, entry('b', 3)], true, []);
    expect(lines.map((line) => line.sequence)).toEqual([1, undefined, 2]);
  });
});

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listHistoryBundleFolders, listReferenceFiles, referenceFilePath } from './history-folders.js';
import { readHistoryReferences, referenceLineText } from './history-references.js';
import { isNewerRun, newestRun } from './history-runs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'history-references-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const REFERENCE = {
  job_id: '20260101T001500Z-dashboard',
  sequence: 2,
  generated_at: '2026-01-01T00:15:00.000Z',
  bundle: '20260101T000000Z-dashboard',
  content_sha256: 'a'.repeat(64),
};

describe('history folders', () => {
  it('lists kept bundle folders without the references folder or hidden partial copies', async () => {
    expect(await listHistoryBundleFolders(join(dir, 'none'))).toBeNull();
    for (const name of ['20260101T000000Z-dashboard', 'references', '.x.partial-1']) {
      await mkdir(join(dir, name), { recursive: true });
    }
    expect(await listHistoryBundleFolders(dir)).toEqual({
      folders: [join(dir, '20260101T000000Z-dashboard')],
      refused: [],
    });
  });

  it('refuses, never follows, a link or a file named like a bundle; other names are not bundles', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await mkdir(join(dir, 'history'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'history', '20260101T000000Z-dashboard'));
    await writeFile(join(dir, 'history', '20260101T001500Z-dashboard'), '');
    await writeFile(join(dir, 'history', 'README.txt'), '');
    expect(await listHistoryBundleFolders(join(dir, 'history'))).toEqual({
      folders: [],
      refused: ['20260101T000000Z-dashboard', '20260101T001500Z-dashboard'].map((name) => ({
        path: join(dir, 'history', name),
        reason: 'is not a folder (a link, a file, a FIFO): not read',
      })),
    });
  });

  it('names day files by the UTC day and lists only those, oldest first', async () => {
    expect(referenceFilePath(dir, '2026-01-02T23:59:00.000Z')).toBe(
      join(dir, 'references', '2026-01-02.jsonl'),
    );
    await mkdir(join(dir, 'references'));
    for (const name of ['2026-01-02.jsonl', '2026-01-01.jsonl', '.2026-01-01.jsonl.tmp-x', 'notes.txt'])
      await writeFile(join(dir, 'references', name), '');
    await symlink(join(dir, 'references', 'notes.txt'), join(dir, 'references', '2026-01-03.jsonl'));
    expect(await listReferenceFiles(dir)).toEqual({
      files: [join(dir, 'references', '2026-01-01.jsonl'), join(dir, 'references', '2026-01-02.jsonl')],
      refused: [
        {
          path: join(dir, 'references', '2026-01-03.jsonl'),
          reason: expect.stringContaining('not a regular file'),
        },
      ],
    });
  });

  it('refuses a references folder that is a link', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', '2026-01-01.jsonl'), '');
    await symlink(join(dir, 'elsewhere'), join(dir, 'references'));
    expect(await listReferenceFiles(dir)).toEqual({
      files: [],
      refused: [{ path: join(dir, 'references'), reason: expect.stringContaining('not a folder') }],
    });
  });
});

describe('readHistoryReferences', () => {
  it('reads every valid line with its file and number, and reports the others without their content', async () => {
    await mkdir(join(dir, 'references'));
    const file = join(dir, 'references', '2026-01-01.jsonl');
    const bad = { ...REFERENCE, bundle: '../../etc' };
    await writeFile(file, `${referenceLineText(REFERENCE)}\nsecret-text\n${JSON.stringify(bad)}\n`);
    const read = await readHistoryReferences(dir, (path) => path.replace(`${dir}/`, ''));
    expect(read.references).toEqual([{ ...REFERENCE, file, line: 1 }]);
    expect(read.invalid.map(({ line, reason }) => [line, reason])).toEqual([
      [2, expect.any(String)],
      [3, 'bundle: is not a job id'],
    ]);
    expect(JSON.stringify(read.invalid)).not.toContain('secret-text');
  });
});

describe('history runs', () => {
  it('orders runs by generated_at, then sequence', () => {
    const a = { generated_at: '2026-01-01T00:00:00Z', sequence: 5 };
    const b = { generated_at: '2026-01-01T00:15:00Z', sequence: 1 };
    const c = { generated_at: '2026-01-01T00:15:00Z', sequence: 2 };
    expect(isNewerRun(b, a)).toBe(true);
    expect(newestRun([a, c, b])).toBe(c);
    expect(newestRun([])).toBeNull();
  });
});

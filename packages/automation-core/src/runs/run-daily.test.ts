import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_WORKSPACE } from '../../../../tests/support/cli-process.js';
import type { PathResolver } from '../input-file.js';
import { JobError } from '../job-error.js';
import { dailyCandidates, readRunDaily } from './run-daily.js';

let root: string;
let paths: PathResolver;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'run-daily-'));
  paths = {
    resolvePath: (path) => resolve(root, path),
    relativePath: (path) => relative(root, resolve(root, path)),
  };
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

describe('dailyCandidates', () => {
  it('looks under run_dir first, then under the runs root by run id', () => {
    expect(dailyCandidates({ run_id: 'r1', run_dir: 'archive/r1' }, 'runs')).toEqual([
      'archive/r1/daily.csv',
      'runs/r1/daily.csv',
    ]);
    expect(dailyCandidates({ run_id: 'r1', run_dir: 'runs/r1' }, 'runs')).toEqual(['runs/r1/daily.csv']);
  });

  it('never builds a path from a run id that is not a plain name', () => {
    for (const run_id of ['../etc', 'a/b', '..', '.', 'a\\b']) {
      expect(dailyCandidates({ run_id, run_dir: null }, 'runs')).toEqual([]);
    }
  });
});

describe('readRunDaily', () => {
  it('reads each day with its fills and P&L, and the file checksum', async () => {
    const text = 'date,breakouts,fills,wins,pnl_pips\r\n2025-10-06,9,4,2,1.5\r\n2025-10-07,8,,1,\r\n';
    await write('runs/r1/daily.csv', text);
    const daily = await readRunDaily({ run_id: 'r1', run_dir: null }, 'runs', paths);
    expect(daily).toEqual({
      file: { path: join(root, 'runs/r1/daily.csv'), relative: 'runs/r1/daily.csv' },
      sha256: createHash('sha256').update(text).digest('hex'),
      days: [
        { date: new Date('2025-10-06T00:00:00Z'), fills: 4, pnl_pips: 1.5 },
        { date: new Date('2025-10-07T00:00:00Z'), fills: null, pnl_pips: null },
      ],
    });
  });

  it('prefers run_dir and falls back to the runs root', async () => {
    await write('runs/r1/daily.csv', 'date,fills,pnl_pips\n2025-10-06,1,0\n');
    await write('elsewhere/daily.csv', 'date,fills,pnl_pips\n2025-10-07,2,0\n');
    expect((await readRunDaily({ run_id: 'r1', run_dir: 'elsewhere' }, 'runs', paths))?.file.relative).toBe(
      'elsewhere/daily.csv',
    );
    expect((await readRunDaily({ run_id: 'r1', run_dir: 'gone' }, 'runs', paths))?.file.relative).toBe(
      'runs/r1/daily.csv',
    );
  });

  it('is null when no candidate exists', async () => {
    expect(await readRunDaily({ run_id: 'r1', run_dir: null }, 'runs', paths)).toBeNull();
  });

  it.each([
    ['date,fills\n2025-10-06,1\n', 1, undefined],
    ['date,fills,pnl_pips\n,1,0\n', 2, 'date'],
    ['date,fills,pnl_pips\n06/10/2025,1,0\n', 2, 'date'],
    ['date,fills,pnl_pips\n2025-10-06,-1,0\n', 2, 'fills'],
    ['date,fills,pnl_pips\n2025-10-06,1,ten\n', 2, 'pnl_pips'],
  ])('rejects %j at line %d (column %s)', async (text, line, column) => {
    await write('runs/r1/daily.csv', text);
    const error = await readRunDaily({ run_id: 'r1', run_dir: null }, 'runs', paths).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(JobError);
    expect(error.code).toBe('invalid_input');
    expect(error.details).toMatchObject({ file: 'runs/r1/daily.csv', line, ...(column && { column }) });
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'runs/sample_daily.csv')))(
    "reads the earlier tooling's daily.csv",
    async () => {
      await write(
        'runs/r1/daily.csv',
        await readFile(join(REFERENCE_WORKSPACE, 'runs/sample_daily.csv'), 'utf8'),
      );
      const daily = await readRunDaily({ run_id: 'r1', run_dir: null }, 'runs', paths);
      expect(daily?.days).toHaveLength(119);
      expect(daily?.days[0]).toEqual({ date: new Date('2018-01-01T00:00:00Z'), fills: 0, pnl_pips: 0 });
    },
  );
});

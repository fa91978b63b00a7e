import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_WORKSPACE } from '../../../../tests/support/cli-process.js';
import { JobError } from '../job-error.js';
import { type IndexedRun, readRunsIndex } from './runs-index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'runs-index-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const INDEX = { relative: 'runs/index.csv', path: '' };

async function writeIndex(text: string): Promise<void> {
  INDEX.path = join(root, 'runs/index.csv');
  await mkdir(dirname(INDEX.path), { recursive: true });
  await writeFile(INDEX.path, text);
}

async function runsOf(file = INDEX): Promise<IndexedRun[]> {
  const runs: IndexedRun[] = [];
  for await (const run of readRunsIndex(file)) runs.push(run);
  return runs;
}

async function errorOf(): Promise<JobError> {
  const error = await runsOf().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

describe('readRunsIndex', () => {
  it('reads every run in file order, typed, with no-value cells as null', async () => {
    await writeIndex(
      'run_id,run_dir,timestamp,symbol,mode,equity,trades,wins,total_pips,sharpe,max_drawdown,win_rate,pnl_per_trade\n' +
        'a,runs/a,20251008_101500,EURUSD,bridge,250000,8,5,-4.25,0.7,-12,0.625,-0.53125\n' +
        'b,,2025-10-09T08:00:00,,,,NaN,,,None,,,\n',
    );
    const [a, b] = await runsOf();
    expect(a).toEqual({
      run_id: 'a',
      run_dir: 'runs/a',
      at: new Date('2025-10-08T10:15:00Z'),
      symbol: 'EURUSD',
      mode: 'bridge',
      equity: 250000,
      trades: 8,
      wins: 5,
      total_pips: -4.25,
      sharpe: 0.7,
      max_drawdown: -12,
      win_rate: 0.625,
      pnl_per_trade: -0.53125,
    });
    expect(b).toMatchObject({
      run_id: 'b',
      at: new Date('2025-10-09T08:00:00Z'),
      trades: null,
      sharpe: null,
    });
  });

  it('is missing_input listing the path when the index does not exist', async () => {
    INDEX.path = join(root, 'runs/index.csv');
    const error = await errorOf();
    expect(error.code).toBe('missing_input');
    expect(error.details).toEqual({ missing: ['runs/index.csv'] });
    expect(error.message).toContain('runs/index.csv');
  });

  it('requires run_id and timestamp in the header and in every row', async () => {
    await writeIndex('run_id,trades\n');
    expect((await errorOf()).details).toMatchObject({ line: 1, missing_columns: ['timestamp'] });
    await writeIndex('run_id,timestamp\na,20251008_101500\n,20251008_101500\n');
    expect((await errorOf()).details).toEqual({ file: 'runs/index.csv', line: 3, column: 'run_id' });
    await writeIndex('run_id,timestamp\na,\n');
    expect((await errorOf()).details).toEqual({ file: 'runs/index.csv', line: 2, column: 'timestamp' });
  });

  it.each([
    ['timestamp', '20251332_000000'],
    ['timestamp', '20251008_101500_extra'],
    ['trades', '-1'],
    ['trades', '2.5'],
    ['win_rate', '58.3'],
    ['equity', 'lots'],
  ])('rejects %s = %j with its line and column', async (column, value) => {
    const cells: Record<string, string> = { run_id: 'a', timestamp: '20251008_101500', [column]: value };
    const header = Object.keys(cells);
    await writeIndex(`${header.join(',')}\n${header.map((name) => cells[name]).join(',')}\n`);
    const error = await errorOf();
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual({ file: 'runs/index.csv', line: 2, column });
  });

  it('passes every byte read to onBytes', async () => {
    const text = 'run_id,timestamp\na,20251008_101500\n';
    await writeIndex(text);
    const seen: Buffer[] = [];
    for await (const _ of readRunsIndex(INDEX, { onBytes: (chunk) => seen.push(chunk) })) {
      // reading is enough
    }
    expect(Buffer.concat(seen).toString()).toBe(text);
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'runs/index.csv')))(
    "loads the earlier tooling's header-only index with its extra columns",
    async () => {
      expect(
        await runsOf({ path: join(REFERENCE_WORKSPACE, 'runs/index.csv'), relative: 'runs/index.csv' }),
      ).toEqual([]);
    },
  );
});

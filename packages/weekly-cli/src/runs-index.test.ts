import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFERENCE_WORKSPACE as REFERENCE } from '../../../tests/support/cli-process.js';
import { readDailyActivity } from './run-daily.js';
import { readRunsInWeek } from './runs-index.js';
import { jobErrorOf } from './test-support/job-error-of.js';
import { writeRunsIndex, writeText } from './test-support/weekly-fixtures.js';
import { weekWindow } from './week-window.js';

const WEEK = weekWindow(new Date('2025-10-06T00:00:00Z'));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-runs-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const indexFile = () => ({ path: join(root, 'runs/index.csv'), relative: 'runs/index.csv' });

describe('runs index', () => {
  it('keeps the runs of the week, newest first, with empty cells as null', async () => {
    await writeRunsIndex(root, [
      { run_id: 'monday_start', timestamp: '20251006_000000', trades: 5, sharpe: '' },
      { run_id: 'before', timestamp: '20251005_235959' },
      { run_id: 'sunday_end', timestamp: '20251012_235959', symbol: 'USDJPY', win_rate: 0.5 },
      { run_id: 'next_monday', timestamp: '20251013_000000' },
      { run_id: 'iso_written', timestamp: '2025-10-08T12:00:00Z' },
    ]);
    const runs = await readRunsInWeek(indexFile(), WEEK);
    expect(runs.map((run) => run.run_id)).toEqual(['sunday_end', 'iso_written', 'monday_start']);
    expect(runs[0]).toMatchObject({
      timestamp: '2025-10-12T23:59:59Z',
      symbol: 'USDJPY',
      win_rate: 0.5,
      mode: null,
    });
    expect(runs[2]).toMatchObject({ trades: 5, sharpe: null, wins: null, run_dir: null });
  });

  it('returns no runs for a header-only index', async () => {
    await writeRunsIndex(root, []);
    expect(await readRunsInWeek(indexFile(), WEEK)).toEqual([]);
  });

  it('names the line of a row with the wrong number of cells', async () => {
    await writeText(
      root,
      'runs/index.csv',
      'run_id,timestamp,trades\nok_run,20251007_100000,3\nbroken,20251007_110000\n',
    );
    const error = await jobErrorOf(readRunsInWeek(indexFile(), WEEK));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('runs/index.csv:3');
    expect(error.details).toMatchObject({ file: 'runs/index.csv', line: 3 });
  });

  it('names the line and column of a bad timestamp or number', async () => {
    await writeText(
      root,
      'runs/index.csv',
      'run_id,timestamp,trades\na,20251007_100000,3\nb,20251332_000000,1\n',
    );
    const badTime = await jobErrorOf(readRunsInWeek(indexFile(), WEEK));
    expect(badTime.details).toMatchObject({ line: 3, key: 'timestamp' });
    await writeText(root, 'runs/index.csv', 'run_id,timestamp,trades\na,20251007_100000,many\n');
    const badNumber = await jobErrorOf(readRunsInWeek(indexFile(), WEEK));
    expect(badNumber.details).toMatchObject({ line: 2, key: 'trades' });
  });

  it('is missing_input when the index does not exist', async () => {
    const error = await jobErrorOf(readRunsInWeek(indexFile(), WEEK));
    expect(error.code).toBe('missing_input');
    expect(error.details.missing).toEqual(['runs/index.csv']);
  });

  it.skipIf(!existsSync(join(REFERENCE, 'runs/index.csv')))(
    "loads the earlier tooling's header-only index with its extra columns",
    async () => {
      const runs = await readRunsInWeek(
        { path: join(REFERENCE, 'runs/index.csv'), relative: 'runs/index.csv' },
        WEEK,
      );
      expect(runs).toEqual([]);
    },
  );
});

describe('daily.csv', () => {
  it('gives the first and last date and fills per trading day', async () => {
    const path = await writeText(
      root,
      'runs/r/daily.csv',
      'date,fills,wins,pnl_pips\r\n2025-10-08,3,1,0.5\r\n2025-10-06,4,2,1\r\n2025-10-07,,0,0\r\n',
    );
    expect(await readDailyActivity({ path, relative: 'runs/r/daily.csv' })).toEqual({
      start_ts: '2025-10-06T00:00:00Z',
      end_ts: '2025-10-08T00:00:00Z',
      turnover_per_day: 2.333333,
    });
  });

  it('is null when the file is missing', async () => {
    expect(
      await readDailyActivity({ path: join(root, 'nope/daily.csv'), relative: 'nope/daily.csv' }),
    ).toBeNull();
  });

  it.skipIf(!existsSync(join(REFERENCE, 'runs/sample_daily.csv')))(
    "reads the earlier tooling's daily.csv",
    async () => {
      const activity = await readDailyActivity({
        path: join(REFERENCE, 'runs/sample_daily.csv'),
        relative: 'runs/sample_daily.csv',
      });
      expect(activity?.start_ts).toBe('2018-01-01T00:00:00Z');
      expect(activity?.end_ts).toMatch(/^20\d\d-\d\d-\d\dT00:00:00Z$/);
      expect(activity?.turnover_per_day).toBeGreaterThanOrEqual(0);
    },
  );
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobErrorOf } from './test-support/job-error-of.js';
import { writeRunsIndex } from './test-support/weekly-fixtures.js';
import { dailyActivity, readRunsInWeek } from './week-runs.js';
import { weekWindow } from './week-window.js';

const WEEK = weekWindow(new Date('2025-10-06T00:00:00Z'));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-runs-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const indexFile = () => ({ path: join(root, 'runs/index.csv'), relative: 'runs/index.csv' });

describe('runs of the week', () => {
  it('keeps the runs whose timestamp falls in the week, newest first', async () => {
    await writeRunsIndex(root, [
      { run_id: 'monday_start', timestamp: '20251006_000000', trades: 5 },
      { run_id: 'before', timestamp: '20251005_235959' },
      { run_id: 'sunday_end', timestamp: '20251012_235959' },
      { run_id: 'next_monday', timestamp: '20251013_000000' },
      { run_id: 'iso_written', timestamp: '2025-10-08T12:00:00Z' },
      { run_id: 'a_same_time', timestamp: '2025-10-08T12:00:00Z' },
    ]);
    const runs = await readRunsInWeek(indexFile(), WEEK);
    expect(runs.map((run) => run.run_id)).toEqual([
      'sunday_end',
      'a_same_time',
      'iso_written',
      'monday_start',
    ]);
  });

  it('rejects a bad row even outside the week: every job reads the same index', async () => {
    await writeRunsIndex(root, [
      { run_id: 'in_week', timestamp: '20251007_100000' },
      { run_id: 'old', timestamp: '20250101_000000', trades: 'many' },
    ]);
    const error = await jobErrorOf(readRunsInWeek(indexFile(), WEEK));
    expect(error.details).toEqual({ file: 'runs/index.csv', line: 3, column: 'trades' });
  });
});

describe('daily activity', () => {
  const day = (date: string, fills: number | null) => ({
    date: new Date(`${date}T00:00:00Z`),
    fills,
    pnl_pips: 0,
  });

  it('gives the first and last day and fills per day, every day counted', () => {
    expect(dailyActivity([day('2025-10-08', 3), day('2025-10-06', 4), day('2025-10-07', null)])).toEqual({
      start_ts: '2025-10-06T00:00:00Z',
      end_ts: '2025-10-08T00:00:00Z',
      turnover_per_day: 2.333333,
    });
  });

  it('is all null without a daily.csv or without days, and turnover is null without fills', () => {
    const none = { start_ts: null, end_ts: null, turnover_per_day: null };
    expect(dailyActivity(null)).toEqual(none);
    expect(dailyActivity([])).toEqual(none);
    expect(dailyActivity([day('2025-10-06', null)]).turnover_per_day).toBeNull();
  });
});

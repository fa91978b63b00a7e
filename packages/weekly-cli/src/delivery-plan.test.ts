import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';
import { nextDue, undeliveredDueWeeks } from './delivery-plan.js';
import type { HistoryLocation } from './history-store.js';
import { DEFAULT_SEND_AT, sendAtSchedule, WEEK_END_SCHEDULE, type WeeklySchedule } from './send-schedule.js';
import { writeText } from './test-support/weekly-fixtures.js';

let root: string;
let history: HistoryLocation;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-plan-'));
  history = { dir: join(root, 'ops/weekly_report_history'), relative: (path) => relative(root, path) };
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function delivered(...weeks: string[]): Promise<void> {
  for (const week of weeks) {
    await writeText(root, `ops/weekly_report_history/${week}.json`, '{}');
    await writeText(root, `ops/weekly_report_history/${week}.sig`, 'ab'.repeat(32));
  }
}

async function plan(
  now: string,
  schedule: WeeklySchedule = sendAtSchedule(DEFAULT_SEND_AT),
  catchUpWeeks = 2,
) {
  const input = {
    now: new Date(now),
    schedule,
    catchUpWeeks,
    ledger: await DeliveryLedger.read(history, []),
  };
  const next = await nextDue(input);
  return {
    due: (await undeliveredDueWeeks(input)).map((week) => week.weekStart),
    next: [next.week.weekStart, next.at.toISOString()],
  };
}

describe('which weeks are due', () => {
  it('owes a new deployment only the week whose send time last passed', async () => {
    expect(await plan('2026-07-01T12:00:00Z')).toEqual({
      due: ['2026-06-22'],
      next: ['2026-06-22', '2026-06-27T23:30:00.000Z'],
    });
  });

  it('owes nothing between a delivery and the next send time', async () => {
    await delivered('2026-06-22');
    expect(await plan('2026-07-04T23:29:59Z')).toEqual({
      due: [],
      next: ['2026-06-29', '2026-07-04T23:30:00.000Z'],
    });
    expect((await plan('2026-07-04T23:30:00Z')).due).toEqual(['2026-06-29']);
  });

  it('catches up the weeks after the last delivered one, at most catch_up_weeks before the latest', async () => {
    await delivered('2026-05-25');
    expect((await plan('2026-07-01T12:00:00Z')).due).toEqual(['2026-06-08', '2026-06-15', '2026-06-22']);
    expect((await plan('2026-07-01T12:00:00Z', undefined, 0)).due).toEqual(['2026-06-22']);
    await delivered('2026-06-15');
    expect((await plan('2026-07-01T12:00:00Z')).due).toEqual(['2026-06-22']);
  });

  it('skips weeks delivered ahead of their send time when naming the next one', async () => {
    await delivered('2026-06-22', '2026-06-29');
    expect((await plan('2026-07-01T12:00:00Z')).next).toEqual(['2026-07-06', '2026-07-11T23:30:00.000Z']);
  });

  it('under week: previous owes the last complete week from Monday 00:00 and never catches up', async () => {
    await delivered('2026-05-25');
    expect(await plan('2026-07-01T12:00:00Z', WEEK_END_SCHEDULE)).toEqual({
      due: ['2026-06-22'],
      next: ['2026-06-22', '2026-06-29T00:00:00.000Z'],
    });
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weeklyOverdueCheck } from './weekly-overdue-check.js';

const FILE = 'ops/weekly_report_heartbeat.json';
const DUE = '2026-06-27T23:30:00.000Z';
const hoursAfterDue = (hours: number) => new Date(Date.parse(DUE) + hours * 3_600_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weekly-overdue-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function checkWith(heartbeat: Record<string, unknown> | null, now: Date, limitHours = 6) {
  const path = join(dir, 'heartbeat.json');
  if (heartbeat) await writeFile(path, JSON.stringify(heartbeat));
  return weeklyOverdueCheck(FILE, path, now, limitHours);
}

const undelivered = {
  job_id: '20260628T053000Z-weekly',
  status: 'error',
  next_due_at: DUE,
  next_due_week_start: '2026-06-22',
  last_delivered_week_start: '2026-06-15',
  last_failure: {
    job_id: '20260628T053000Z-weekly',
    error_code: 'webhook_failed',
    at: '2026-06-28T05:30:00Z',
  },
};

describe('weekly_overdue', () => {
  it('passes while the due week is within its allowance, and fails once it is not, naming the week and how late', async () => {
    expect(await checkWith(undelivered, hoursAfterDue(-1))).toMatchObject({
      status: 'pass',
      details: { hours_late: 0, next_due_week_start: '2026-06-22' },
    });
    expect(await checkWith(undelivered, hoursAfterDue(5.99))).toMatchObject({ status: 'pass' });
    const overdue = await checkWith(undelivered, hoursAfterDue(6.5));
    expect(overdue).toMatchObject({
      status: 'fail',
      details: { hours_late: 6.5, overdue_after_hours: 6, last_delivered_week_start: '2026-06-15' },
    });
    expect(overdue.failures).toEqual([
      {
        check: 'weekly_overdue',
        error_code: 'weekly_overdue',
        message:
          'the weekly report of 2026-06-22 was due at 2026-06-27T23:30:00.000Z and is not delivered: ' +
          '6.5 h late at 2026-06-28T06:00:00.000Z (limit 6 h); last delivered week: 2026-06-15; ' +
          'last weekly failure: webhook_failed',
      },
    ]);
    expect((await checkWith(undelivered, hoursAfterDue(6.5), 12)).status).toBe('pass');
  });

  it('judges a heartbeat its job stopped writing by the due time it last recorded', async () => {
    const stopped = {
      ...undelivered,
      status: 'ok',
      last_failure: null,
      next_due_at: '2026-07-04T23:30:00.000Z',
    };
    const result = await checkWith(stopped, new Date('2026-07-20T00:00:00Z'));
    expect(result.status).toBe('fail');
    expect(result.failures[0]?.message).toContain('360.5 h late');
  });

  it('skips a workspace without a weekly heartbeat, one written before next_due_at existed, and one that only ran dry', async () => {
    expect(await checkWith(null, hoursAfterDue(10))).toMatchObject({ status: 'skip' });
    const older = { job_id: 'x', status: 'ok', last_delivered_week_start: '2025-10-06' };
    expect(await checkWith(older, hoursAfterDue(10))).toMatchObject({ status: 'skip' });
    const dry = { ...undelivered, status: 'dry_run', last_delivered_week_start: null };
    expect(await checkWith(dry, hoursAfterDue(10))).toMatchObject({ status: 'skip' });
    // A deployment that delivered before and now runs dry still owes its reports.
    expect(await checkWith({ ...undelivered, status: 'dry_run' }, hoursAfterDue(10))).toMatchObject({
      status: 'fail',
    });
  });

  it('reports a next_due_at that is not a timestamp as heartbeat_corrupt, never quoting it', async () => {
    const result = await checkWith({ ...undelivered, next_due_at: 'soon <script>' }, hoursAfterDue(10));
    expect(result.failures).toEqual([
      {
        check: 'weekly_overdue',
        error_code: 'heartbeat_corrupt',
        message: `${FILE}: key next_due_at is not an ISO-8601 timestamp`,
      },
    ]);
  });
});

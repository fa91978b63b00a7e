import { describe, expect, it } from 'vitest';
import { jobTail } from './job-health.js';
import { judgeJob, thresholdsOf } from './job-judgement.js';
import type { TailEntry } from './run-log-tail.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const CHAIN = thresholdsOf({ periodSeconds: 900, staleAfterSeconds: 7200, description: '' }, 300);
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function entry(status: string, minutesAgo: number, fields: Partial<TailEntry> = {}): TailEntry {
  return {
    sequence: null,
    jobName: 'weekly',
    jobId: `x-${minutesAgo}`,
    status,
    loggedAt: ago(minutesAgo),
    errorCode: status === 'error' ? 'missing_secret' : null,
    errorMessage: null,
    dryRun: false,
    ...fields,
  };
}

const facts = (fields: Partial<Parameters<typeof judgeJob>[0]>) => ({
  status: 'ok',
  lastSuccessAt: null,
  lastDryRunAt: null,
  lastFailure: null,
  ...fields,
});

describe('judgeJob', () => {
  it('judges the last real success against the schedule: on time, late after two periods, stale at the threshold', () => {
    expect(judgeJob(facts({ lastSuccessAt: ago(30) }), NOW, CHAIN).freshness).toBe('on_time');
    expect(judgeJob(facts({ lastSuccessAt: ago(31) }), NOW, CHAIN).freshness).toBe('late');
    expect(judgeJob(facts({ lastSuccessAt: ago(120) }), NOW, CHAIN).freshness).toBe('stale');
    expect(judgeJob(facts({ lastSuccessAt: ago(-6) }), NOW, CHAIN).freshness).toBe('clock_skew');
  });

  it('tells a job that only dry-runs from one that never ran', () => {
    expect(judgeJob(facts({ lastDryRunAt: ago(5) }), NOW, CHAIN)).toMatchObject({
      freshness: 'never',
      dryRunOnly: true,
    });
    expect(judgeJob(facts({}), NOW, CHAIN)).toMatchObject({ freshness: 'never', dryRunOnly: false });
  });

  it('a failure newer than the last success is the newest real outcome, whatever dry run came after', () => {
    const failure = { errorCode: 'missing_secret', jobId: 'j', at: ago(10) };
    expect(
      judgeJob(facts({ status: 'dry_run', lastSuccessAt: ago(20), lastFailure: failure }), NOW, CHAIN)
        .lastRunFailed,
    ).toBe(true);
    expect(judgeJob(facts({ lastSuccessAt: ago(5), lastFailure: failure }), NOW, CHAIN).lastRunFailed).toBe(
      false,
    );
  });
});

describe('jobTail', () => {
  it('counts real failures since the last real success, passing over dry runs and skips', () => {
    const tail = jobTail(
      'weekly',
      [
        entry('error', 1),
        entry('dry_run', 2),
        entry('error', 3),
        entry('skipped', 4),
        entry('ok', 5),
        entry('error', 6),
      ],
      false,
    );
    expect(tail).toMatchObject({ consecutiveFailures: 2, consecutiveSkips: 0, streaksComplete: true });
    expect(tail.lastRealSuccessAt).toEqual(ago(5));
    expect(tail.lastError?.jobId).toBe('x-1');
  });

  it('counts skips in a row, and says when a streak may go on before the part read', () => {
    const tail = jobTail('weekly', [entry('skipped', 1), entry('skipped', 2), entry('error', 3)], false);
    expect(tail).toMatchObject({ consecutiveSkips: 2, consecutiveFailures: 1, streaksComplete: false });
    expect(jobTail('weekly', [entry('error', 1)], true).streaksComplete).toBe(true);
  });

  it('never takes a dry-run chain that ended warning for a success, nor another job’s entry', () => {
    const tail = jobTail(
      'weekly',
      [entry('warning', 1, { dryRun: true }), entry('ok', 2, { jobName: 'latency' })],
      true,
    );
    expect(tail.lastRealSuccessAt).toBeNull();
    expect(tail.lastEntry?.status).toBe('warning');
  });
});

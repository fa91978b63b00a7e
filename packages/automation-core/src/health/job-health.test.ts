import { describe, expect, it } from 'vitest';
import { registeredJob } from '../job-registry.js';
import { type JobTail, jobHealth, jobTail } from './job-health.js';
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
    firstWarning: null,
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

describe('last_warning', () => {
  const healthOf = (tail: JobTail, heartbeat: Record<string, unknown> | null = null) =>
    jobHealth({
      job: registeredJob('dashboard'),
      heartbeatFile: 'ops/dashboard_export_heartbeat.json',
      read: heartbeat ? { kind: 'ok', data: heartbeat } : { kind: 'missing' },
      given: false,
      tail,
      now: NOW,
      thresholds: CHAIN,
    }).last_warning;
  const damaged = (minutesAgo: number) =>
    entry('warning', minutesAgo, {
      errorCode: 'history_bundle_invalid',
      errorMessage: 'dashboard history cannot be trusted',
    });

  it('names the code a newest real run warned with, through later skips and rehearsals', () => {
    const tail = jobTail(
      'weekly',
      [
        entry('skipped', 1),
        entry('dry_run', 2),
        entry('ok', 3, { dryRun: true }),
        damaged(4),
        entry('ok', 5),
      ],
      true,
    );
    expect(healthOf(tail)).toEqual({
      code: 'history_bundle_invalid',
      message: 'dashboard history cannot be trusted',
      at: ago(4).toISOString(),
      job_id: 'x-4',
      runbook: 'docs/runbook.md#history_bundle_invalid',
    });
  });

  it('a warning noted without a code is run_warning with that note; an alert alone is none', () => {
    const noted = jobTail(
      'weekly',
      [entry('warning', 1, { firstWarning: 'retention did not finish' })],
      true,
    );
    expect(healthOf(noted)).toMatchObject({ code: 'run_warning', message: 'retention did not finish' });
    expect(healthOf(jobTail('weekly', [entry('warning', 1)], true))).toBeNull();
  });

  it('is cleared by a newer real run, in the log or in a heartbeat beyond the part read', () => {
    expect(healthOf(jobTail('weekly', [entry('ok', 1), damaged(2)], true))).toBeNull();
    expect(healthOf(jobTail('weekly', [entry('error', 1), damaged(2)], true))).toBeNull();
    const tail = jobTail('weekly', [damaged(20)], false);
    const newer = { status: 'ok', generated_at: ago(5).toISOString() };
    expect(healthOf(tail, newer)).toBeNull();
    expect(healthOf(tail, { ...newer, status: 'skipped' })).not.toBeNull();
    expect(healthOf(tail, { ...newer, generated_at: ago(21).toISOString() })).not.toBeNull();
    // dated ahead of the clock (beyond the allowed skew): not a newer run
    expect(healthOf(tail, { ...newer, generated_at: ago(-10).toISOString() })).not.toBeNull();
    expect(healthOf(tail, { ...newer, generated_at: ago(-4).toISOString() })).toBeNull();
  });

  it('comes from the heartbeat’s last_warning for a run beyond the part of the log read', () => {
    const recorded = { job_id: 'hb-1', error_code: 'no_receiver', at: ago(5).toISOString() };
    const heartbeat = { status: 'warning', generated_at: ago(5).toISOString(), last_warning: recorded };
    expect(healthOf(jobTail('weekly', [], false), heartbeat)).toEqual({
      code: 'no_receiver',
      message: null,
      at: ago(5).toISOString(),
      job_id: 'hb-1',
      runbook: 'docs/runbook.md#no_receiver',
    });
    // newer than the logged warning: the heartbeat's account replaces it
    expect(healthOf(jobTail('weekly', [damaged(20)], false), heartbeat)?.code).toBe('no_receiver');
    expect(
      healthOf(jobTail('weekly', [damaged(20)], false), { ...heartbeat, last_warning: null }),
    ).toBeNull();
  });
});

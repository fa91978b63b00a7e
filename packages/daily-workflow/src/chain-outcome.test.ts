import { describe, expect, it } from 'vitest';
import { chainOutcome } from './chain-outcome.js';
import type { ChildResult } from './chain-results.js';

const child = (
  job: ChildResult['job'],
  status: ChildResult['status'],
  summary: Record<string, unknown> = {},
): ChildResult => ({
  job,
  job_id: `20251006T120000Z-${job}`,
  status,
  duration_ms: 10,
  summary: { artefacts: [`out/${job}.json`, 'ops/shared.csv'], ...summary },
});

const plan = { run: [], notRun: [] };

describe('chainOutcome', () => {
  it('is as bad as the worst job and lists the union of artefacts once', () => {
    const outcome = chainOutcome(
      [child('latency', 'ok'), child('weekly', 'dry_run'), child('dashboard', 'ok')],
      null,
      plan,
    );
    expect(outcome.status).toBe('dry_run');
    expect(outcome.artefacts).toEqual([
      'out/latency.json',
      'ops/shared.csv',
      'out/weekly.json',
      'out/dashboard.json',
    ]);
    expect(outcome.logSummary).toEqual({
      jobs: [
        { job: 'latency', job_id: '20251006T120000Z-latency', status: 'ok', duration_ms: 10 },
        { job: 'weekly', job_id: '20251006T120000Z-weekly', status: 'dry_run', duration_ms: 10 },
        { job: 'dashboard', job_id: '20251006T120000Z-dashboard', status: 'ok', duration_ms: 10 },
      ],
    });
    const jobs = outcome.summary?.jobs as { summary: unknown }[];
    expect(jobs.map((job) => job.summary)).toEqual([
      { artefacts: ['out/latency.json', 'ops/shared.csv'] },
      { artefacts: ['out/weekly.json', 'ops/shared.csv'] },
      { artefacts: ['out/dashboard.json', 'ops/shared.csv'] },
    ]);
  });

  it('counts a job skipped for its lock as a warning', () => {
    const skipped = child('latency', 'skipped', { diagnostics: { error_code: 'lock_not_acquired' } });
    const outcome = chainOutcome([skipped, child('weekly', 'ok')], null, plan);
    expect(outcome).toMatchObject({ status: 'warning', diagnostics: { skipped_by_lock: ['latency'] } });
  });

  it('names the failed job and the jobs not run when the chain stopped', () => {
    const outcome = chainOutcome(
      [
        child('latency', 'ok'),
        child('weekly', 'error'),
        child('dashboard', 'skipped', { diagnostics: { error_code: 'upstream_failed' } }),
      ],
      {
        errorCode: 'upstream_failed',
        failed: { job: 'weekly', jobId: '20251006T120000Z-weekly', errorCode: 'auth_failed' },
        message: 'weekly (20251006T120000Z-weekly) ended error: auth_failed',
      },
      plan,
    );
    expect(outcome).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'job_failed',
        error_message: 'weekly (20251006T120000Z-weekly) ended error: auth_failed; not run: dashboard',
        failed_job: 'weekly',
        failed_error_code: 'auth_failed',
        not_run: ['dashboard'],
      },
    });
  });

  it('warns when nothing ran', () => {
    expect(chainOutcome([], null, plan)).toMatchObject({
      status: 'warning',
      diagnostics: { error_code: 'no_jobs' },
    });
  });
});

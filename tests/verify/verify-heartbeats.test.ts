import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REFERENCE_WORKSPACE } from '../support/cli-process.js';
import {
  checkNamed,
  HEARTBEATS,
  type JsonDocument,
  NOW,
  NOW_MS,
  runVerify,
  writeHealthyWorkspace,
  writeHeartbeat,
  writeText,
} from './support/verify-workspace.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-heartbeat-'));
  await writeHealthyWorkspace(root);
});
afterEach(() => cleanup());

/** A heartbeat's `last_failure` of obs-weekly. */
function weeklyFailure(errorCode: string, atMs: number): JsonDocument {
  const at = new Date(atMs).toISOString();
  return { job_id: `${at.slice(0, 19).replace(/[-:]/g, '')}Z-weekly`, error_code: errorCode, at };
}

function heartbeatFailures(report: JsonDocument): JsonDocument[] {
  return report.failures.filter((failure: JsonDocument) => failure.check === 'heartbeat_fresh');
}

describe('obs-verify heartbeat_fresh', () => {
  it('passes fresh heartbeats and reports each one with its age', async () => {
    const result = await runVerify(root);
    expect(result.exitCode).toBe(0);
    const checks = checkNamed(result.json(), 'heartbeat_fresh');
    expect(checks.map((check) => check.details.file)).toEqual(Object.values(HEARTBEATS));
    expect(checks.every((check) => check.details.age_hours === 0.5)).toBe(true);
  });

  it('reports a heartbeat 7 hours old as stale against --now; --max-heartbeat-age-hours overrides every job', async () => {
    const sevenHoursLater = new Date(NOW_MS + 6.5 * 3_600_000).toISOString();
    const result = await runVerify(root, [], { now: sevenHoursLater });
    expect(result.exitCode).toBe(1);
    const failures = heartbeatFailures(result.json());
    expect(failures.map((failure) => failure.error_code)).toEqual([
      'heartbeat_stale',
      'heartbeat_stale',
      'heartbeat_stale',
      'heartbeat_stale',
    ]);
    expect(failures[0]?.message).toContain('ops/latency_job_heartbeat.json');
    expect(failures[0]?.message).toContain('7.0 h old');
    expect(failures[0]?.message).toContain('stale after 2h');
    const relaxed = await runVerify(root, ['--max-heartbeat-age-hours', '8'], { now: sevenHoursLater });
    expect(heartbeatFailures(relaxed.json())).toEqual([]);
    expect(checkNamed(relaxed.json(), 'heartbeat_fresh')[0]?.details).toMatchObject({
      max_age_hours: 8,
      threshold_from: '--max-heartbeat-age-hours',
    });
  });

  it('judges each job by its own schedule: late after two periods passes, stale at its threshold fails', async () => {
    const fiftyMinutesOld = new Date(NOW_MS + 20 * 60_000).toISOString();
    const late = await runVerify(root, [], { now: fiftyMinutesOld });
    expect(late.exitCode).toBe(0);
    expect(checkNamed(late.json(), 'heartbeat_fresh').map((check) => check.details.freshness)).toEqual([
      'late',
      'late',
      'late',
      'late',
    ]);
    const twoHoursOld = new Date(NOW_MS + 90 * 60_000).toISOString();
    expect(heartbeatFailures((await runVerify(root, [], { now: twoHoursOld })).json())).toHaveLength(4);
  });

  it('never takes generated_at for a success: without last_success_at a job has none', async () => {
    const old = new Date(NOW_MS - 10 * 3_600_000).toISOString();
    await writeHeartbeat(root, HEARTBEATS.weekly, { last_success_at: undefined, generated_at: NOW });
    const failures = heartbeatFailures((await runVerify(root)).json());
    expect(failures).toEqual([
      {
        check: 'heartbeat_fresh',
        error_code: 'heartbeat_never_succeeded',
        message: 'heartbeat ops/weekly_report_heartbeat.json records no real success',
      },
    ]);
    await writeHeartbeat(root, HEARTBEATS.weekly, { last_success_at: old, generated_at: NOW });
    expect(heartbeatFailures((await runVerify(root)).json())[0]).toMatchObject({
      error_code: 'heartbeat_stale',
    });
  });

  it('a job that only ever dry-ran fails, and so does one whose last real run failed before a dry run', async () => {
    await writeHeartbeat(root, HEARTBEATS.latency, {
      status: 'dry_run',
      last_success_at: null,
      last_dry_run_at: new Date(NOW_MS - 30 * 60_000).toISOString(),
    });
    await writeHeartbeat(root, HEARTBEATS.weekly, {
      status: 'dry_run',
      last_success_at: new Date(NOW_MS - 50 * 60_000).toISOString(),
      last_dry_run_at: new Date(NOW_MS - 30 * 60_000).toISOString(),
      last_failure: weeklyFailure('missing_secret', NOW_MS - 40 * 60_000),
    });
    const result = await runVerify(root);
    expect(result.exitCode).toBe(1);
    expect(heartbeatFailures(result.json())).toEqual([
      {
        check: 'heartbeat_fresh',
        error_code: 'heartbeat_dry_run_only',
        message: expect.stringContaining('ops/latency_job_heartbeat.json: only dry runs'),
      },
      {
        check: 'heartbeat_fresh',
        error_code: 'heartbeat_error',
        message: expect.stringContaining('the last real run failed (last failure: missing_secret'),
      },
    ]);
  });

  it('a success from the future is clock_skew, never fresh', async () => {
    await writeHeartbeat(root, HEARTBEATS.dashboard, { last_success_at: '2025-10-06T12:30:00Z' });
    expect(heartbeatFailures((await runVerify(root)).json())).toEqual([
      expect.objectContaining({ error_code: 'clock_skew', message: expect.stringContaining('30m ahead') }),
    ]);
  });

  it('reports a heartbeat whose status is error, naming the last failure', async () => {
    await writeHeartbeat(root, HEARTBEATS.weekly, {
      status: 'error',
      last_failure: {
        job_id: '20251006T113000Z-weekly',
        error_code: 'auth_failed',
        at: '2025-10-06T11:30:00Z',
      },
    });
    const result = await runVerify(root);
    expect(result.exitCode).toBe(1);
    const failures = heartbeatFailures(result.json());
    expect(failures).toEqual([
      {
        check: 'heartbeat_fresh',
        error_code: 'heartbeat_error',
        message: expect.stringContaining('auth_failed'),
      },
    ]);
  });

  it('reports a corrupt and a missing heartbeat', async () => {
    await writeText(root, HEARTBEATS.latency, '{"job_id": "20251006T113000Z-latency", "status"');
    await writeText(root, HEARTBEATS.dashboard, '[]');
    const result = await runVerify(root, [
      '--heartbeat',
      HEARTBEATS.latency,
      '--heartbeat',
      HEARTBEATS.dashboard,
      '--heartbeat',
      'ops/gone_heartbeat.json',
    ]);
    expect(result.exitCode).toBe(1);
    expect(heartbeatFailures(result.json()).map((failure) => failure.error_code)).toEqual([
      'heartbeat_corrupt',
      'heartbeat_corrupt',
      'heartbeat_missing',
    ]);
    expect(checkNamed(result.json(), 'heartbeat_fresh')).toHaveLength(3);
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'ops')))(
    "reads the earlier tooling's heartbeats (no status, microsecond timestamps)",
    async () => {
      await cp(join(REFERENCE_WORKSPACE, 'ops/latency_job_heartbeat.json'), join(root, HEARTBEATS.latency));
      await cp(
        join(REFERENCE_WORKSPACE, 'ops/dashboard_export_heartbeat.json'),
        join(root, HEARTBEATS.dashboard),
      );
      const report = (
        await runVerify(root, ['--heartbeat', HEARTBEATS.latency, '--heartbeat', HEARTBEATS.dashboard], {
          now: '2025-10-11T12:00:00Z',
        })
      ).json();
      const checks = checkNamed(report, 'heartbeat_fresh');
      expect(checks.map((check) => check.status)).toEqual(['pass', 'pass']);
      expect(checks[0]?.details).toMatchObject({
        job_id: '20251011T113553Z-observability-latency',
        last_success_at: '2025-10-11T11:35:53.552Z',
      });
    },
  );
});

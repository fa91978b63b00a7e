import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRIC_FAMILIES } from './metric-families.js';
import { mergeSeries } from './metrics-file.js';
import { recordRunMetrics } from './run-metrics.js';
import { parseTextfile } from './textfile-format.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'obs-run-metrics-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const T0 = new Date('2025-10-06T12:00:00Z');
const T1 = new Date('2025-10-06T12:15:00Z');
const T2 = new Date('2025-10-06T12:30:00Z');

function summaryOf(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status,
    job_id: 'x',
    job_name: 'latency',
    duration_ms: 250,
    artefacts: [],
    attempts: 1,
    log_sequence: 7,
    ...extra,
    diagnostics: (extra.diagnostics as Record<string, unknown>) ?? {},
  };
}

function record(summary: Record<string, unknown>, now: Date, metricsDir = join(root, 'ops/metrics')) {
  return recordRunMetrics(summary, {
    metricsDir,
    relativePath: (path) => relative(root, path),
    jobName: 'latency',
    now,
    domain: (logged) =>
      typeof logged.latest_p95_ms === 'number'
        ? [{ family: METRIC_FAMILIES.latencyP95, value: logged.latest_p95_ms / 1000 }]
        : [],
  });
}

async function values(): Promise<Record<string, number>> {
  const text = await readFile(join(root, 'ops/metrics/obs_latency.prom'), 'utf8');
  return Object.fromEntries(
    parseTextfile(text).map((series) => {
      const extra = Object.entries(series.labels)
        .filter(([name]) => name !== 'job')
        .map(([name, value]) => `${name}=${value}`);
      return [[series.name, ...extra].join(' '), series.value];
    }),
  );
}

describe('recordRunMetrics', () => {
  it('writes the run, names the file in the summary and keeps diagnostics last', async () => {
    const summary = await record(summaryOf('ok', { latest_p95_ms: 1234 }), T0);
    expect(summary.metrics_file).toBe('ops/metrics/obs_latency.prom');
    expect(Object.keys(summary).at(-1)).toBe('diagnostics');
    expect(summary.status).toBe('ok');
    expect(await values()).toMatchObject({
      obs_job_last_run_timestamp_seconds: T0.getTime() / 1000,
      obs_job_last_success_timestamp_seconds: T0.getTime() / 1000,
      'obs_job_last_status status=ok': 1,
      'obs_job_last_status status=dry_run': 0,
      obs_job_duration_seconds: 0.25,
      obs_job_attempts: 1,
      obs_run_log_sequence: 7,
      obs_latency_p95_seconds: 1.234,
      'obs_job_runs_total status=ok': 1,
    });
  });

  it('moves the last success only on a real success, never on a dry run or a failure', async () => {
    await record(summaryOf('ok'), T0);
    await record(summaryOf('dry_run'), T1);
    expect(await values()).toMatchObject({
      obs_job_last_success_timestamp_seconds: T0.getTime() / 1000,
      obs_job_last_dry_run_timestamp_seconds: T1.getTime() / 1000,
      obs_job_last_run_timestamp_seconds: T1.getTime() / 1000,
      'obs_job_last_status status=dry_run': 1,
    });
    await record(summaryOf('error', { diagnostics: { error_code: 'input_unreadable' } }), T2);
    expect(await values()).toMatchObject({
      obs_job_last_success_timestamp_seconds: T0.getTime() / 1000,
      obs_job_last_run_timestamp_seconds: T2.getTime() / 1000,
      'obs_job_last_status status=error': 1,
    });
  });

  it('names the code a real run warned with; the next real run replaces it, skips and dry runs do not', async () => {
    const warned = (code: string) => summaryOf('warning', { diagnostics: { error_code: code } });
    await record(summaryOf('ok'), T0);
    expect(Object.keys(await values()).filter((key) => key.startsWith('obs_job_last_warning'))).toEqual([]);
    await record(warned('history_bundle_invalid'), T0);
    await record(summaryOf('skipped', { diagnostics: { error_code: 'lock_not_acquired' } }), T1);
    await record(summaryOf('dry_run'), T1);
    await record(summaryOf('warning', { diagnostics: { dry_run: true, error_code: 'no_receiver' } }), T1);
    expect(await values()).toMatchObject({ 'obs_job_last_warning code=history_bundle_invalid': 1 });
    await record(warned('no_receiver'), T1);
    expect(await values()).toMatchObject({
      'obs_job_last_warning code=history_bundle_invalid': 0,
      'obs_job_last_warning code=no_receiver': 1,
    });
    await record(summaryOf('warning', { diagnostics: { warnings: ['retention did not finish'] } }), T2);
    expect(await values()).toMatchObject({
      'obs_job_last_warning code=no_receiver': 0,
      'obs_job_last_warning code=run_warning': 1,
    });
    // a warning made by an alert alone names no problem of the run's own
    await record(summaryOf('warning'), T2);
    expect(await values()).toMatchObject({ 'obs_job_last_warning code=run_warning': 0 });
  });

  it('has no last success before the first one', async () => {
    await record(summaryOf('dry_run'), T0);
    expect(Object.keys(await values())).not.toContain('obs_job_last_success_timestamp_seconds');
  });

  it('adds to counters across runs and keeps a value the run did not measure', async () => {
    await record(summaryOf('warning', { latest_p95_ms: 900 }), T0);
    await record(summaryOf('error', { diagnostics: { error_code: 'x', sequence_gap: { gap: 1 } } }), T1);
    await record(summaryOf('error', { diagnostics: { error_code: 'x' } }), T2);
    expect(await values()).toMatchObject({
      'obs_job_runs_total status=warning': 1,
      'obs_job_runs_total status=error': 2,
      'obs_job_runs_total status=ok': 0,
      obs_run_log_sequence_repairs_total: 1,
      obs_latency_p95_seconds: 0.9,
    });
  });

  it('reads a damaged previous file line by line: broken lines restart, good ones carry over', async () => {
    await record(summaryOf('ok'), T0);
    const file = join(root, 'ops/metrics/obs_latency.prom');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace(
          /obs_job_runs_total\{job="latency",status="ok"\} 1/,
          'obs_job_runs_total{job="latency",status="ok"} -4',
        )
        .replace(/^obs_job_last_success.*$/m, '$&\nobs_unknown_family{job="latency"} 5\ntorn line {'),
    );
    await record(summaryOf('ok'), T1);
    const after = await values();
    expect(after['obs_job_runs_total status=ok']).toBe(1);
    expect(after.obs_job_last_success_timestamp_seconds).toBe(T1.getTime() / 1000);
    expect(Object.keys(after)).not.toContain('obs_unknown_family');
  });

  it('replaces a link at the file instead of reading through it, and says so', async () => {
    await writeFile(join(root, 'elsewhere.prom'), 'obs_job_runs_total{job="latency",status="ok"} 99\n');
    await record(summaryOf('ok'), T0);
    const file = join(root, 'ops/metrics/obs_latency.prom');
    await rm(file);
    await symlink(join(root, 'elsewhere.prom'), file);
    const summary = await record(summaryOf('ok'), T1);
    expect((summary.diagnostics as Record<string, unknown>).metrics_previous_unreadable).toMatch(
      /symbolic link/,
    );
    expect((await values())['obs_job_runs_total status=ok']).toBe(1);
    expect(await readFile(join(root, 'elsewhere.prom'), 'utf8')).toContain('99');
  });

  it('leaves no temporary or lock file that node_exporter could read', async () => {
    await record(summaryOf('ok'), T0);
    expect(await readdir(join(root, 'ops/metrics'))).toEqual(['obs_latency.prom']);
  });

  it('turns an ok run into a warning when the folder cannot be written, never an error', async () => {
    await writeFile(join(root, 'blocked'), 'a file where a folder is expected\n');
    const summary = await record(summaryOf('ok'), T0, join(root, 'blocked/metrics'));
    expect(summary.status).toBe('warning');
    expect(summary.diagnostics).toMatchObject({
      error_code: 'metrics_write_failed',
      error_message: expect.stringContaining('blocked/metrics/obs_latency.prom'),
    });
    expect(summary).not.toHaveProperty('metrics_file');
  });

  it('keeps a failed run its own error code and records the metrics failure beside it', async () => {
    await writeFile(join(root, 'blocked'), 'a file where a folder is expected\n');
    const failed = summaryOf('error', {
      diagnostics: { error_code: 'input_unreadable', error_message: 'bad' },
    });
    const summary = await record(failed, T0, join(root, 'blocked/metrics'));
    expect(summary.status).toBe('error');
    expect(summary.diagnostics).toMatchObject({
      error_code: 'input_unreadable',
      error_message: 'bad',
      metrics_write_failed: expect.stringContaining('obs_latency.prom'),
    });
  });

  it('keeps a dry run a dry run', async () => {
    await writeFile(join(root, 'blocked'), 'x\n');
    const summary = await record(summaryOf('dry_run'), T0, join(root, 'blocked/metrics'));
    expect(summary.status).toBe('dry_run');
    expect((summary.diagnostics as Record<string, unknown>).error_code).toBe('metrics_write_failed');
  });
});

describe('mergeSeries', () => {
  it("ignores another job's series and families it does not know", () => {
    const merged = mergeSeries(
      [
        { name: 'obs_job_attempts', labels: { job: 'weekly' }, value: 3 },
        { name: 'node_load1', labels: { job: 'latency' }, value: 1 },
        { name: 'obs_job_attempts', labels: { job: 'latency' }, value: 2 },
      ],
      'latency',
      [],
    );
    expect(merged).toEqual([{ family: METRIC_FAMILIES.attempts, labels: { job: 'latency' }, value: 2 }]);
  });
});

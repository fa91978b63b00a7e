import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { readJson, runBundleVerify, runDashboard, writeDashboardWorkspace } from './support/dashboard-run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-dashboard-upload-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

describe('obs-dashboard upload command', () => {
  it('runs through /bin/sh in the root with the bundle in its environment', async () => {
    const command =
      'mkdir -p remote && cp "$OBS_DASHBOARD_DIR"/*.json "$OBS_DASHBOARD_DIR"/index.html remote/ && echo "$OBS_JOB_ID $OBS_SEQUENCE $OBS_DASHBOARD_MANIFEST" > remote/env.txt && echo uploaded';
    const result = await runDashboard(root, ['--upload-command', command]);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary.upload).toEqual({ status: 'ok', returncode: 0, attempts: 1, timed_out: false });
    expect(summary.diagnostics).toMatchObject({ returncode: 0, upload_stdout_tail: 'uploaded\n' });
    expect((await readFile(join(root, 'remote/env.txt'), 'utf8')).trim()).toBe(
      `${summary.job_id} 1 ${join(root, 'out/dashboard/manifest.json')}`,
    );
    const uploaded = await runBundleVerify(root, ['--manifest', 'remote/manifest.json']);
    expect(uploaded.json().failures).toEqual([]);
  });

  it('fails with upload_failed and the return code after the retries, leaving the bundle intact', async () => {
    const result = await runDashboard(root, [
      '--upload-command',
      'echo attempt >> attempts.txt; echo "bucket not found" >&2; exit 3',
      '--upload-retries',
      '1',
    ]);
    expect(result.exitCode).toBe(1);
    const summary = result.json();
    expect(summary.status).toBe('error');
    expect(summary.upload).toEqual({ status: 'failed', returncode: 3, attempts: 2, timed_out: false });
    expect(summary.diagnostics).toMatchObject({
      error_code: 'upload_failed',
      returncode: 3,
      timed_out: false,
      upload_stderr_tail: 'bucket not found\n',
    });
    expect(summary.diagnostics.error_message).toContain('exited with code 3 (2 attempts)');
    expect((await readFile(join(root, 'attempts.txt'), 'utf8')).trim().split('\n')).toHaveLength(2);
    expect(await readJson(root, 'ops/dashboard_export_heartbeat.json')).toMatchObject({
      status: 'error',
      last_failure: { error_code: 'upload_failed' },
      sequence: 1,
    });
    const verification = await runBundleVerify(root);
    expect(verification.exitCode).toBe(0);
    expect(existsSync(join(root, 'ops/dashboard_export_history', summary.job_id, 'manifest.json'))).toBe(
      true,
    );
  });

  it('retries with the default of two and reports the attempts', async () => {
    const result = await runDashboard(root, ['--upload-command', 'exit 3']);
    expect(result.json().upload).toMatchObject({ status: 'failed', returncode: 3, attempts: 3 });
  });

  it('kills a hanging upload after the timeout and reports timed_out', async () => {
    const started = performance.now();
    const result = await runDashboard(root, [
      '--upload-command',
      'echo starting; sleep 60',
      '--upload-timeout-seconds',
      '0.3',
      '--upload-retries',
      '0',
    ]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).toBe(1);
    expect(result.json().upload).toMatchObject({
      status: 'failed',
      returncode: null,
      attempts: 1,
      timed_out: true,
    });
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'upload_failed',
      timed_out: true,
      upload_stdout_tail: 'starting\n',
    });
    expect(result.json().diagnostics.error_message).toContain('timed out after 0.3 s');
    expect((await runBundleVerify(root)).exitCode).toBe(0);
  });
});

import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli-process.js';
import { makeWorkspace } from '../support/cli-process.js';
import { problemLines } from '../support/runbook.js';
import type { JsonDocument } from './support/corpus-case.js';
import {
  DAILY,
  DASHBOARD,
  type JobRun,
  type JobUnderTest,
  LATENCY,
  REBUILD_LOG,
  runJobCli,
  VERIFY,
  WEEKLY,
} from './support/jobs-under-test.js';
import { chmodStopsWrites, mountReadOnly, mountsAllowed, unmount } from './support/test-mounts.js';

/**
 * A run whose outputs cannot be written fails clearly: exit 1, one JSON document naming the
 * file and the error, one stderr line per problem with its runbook anchor (never a stack trace,
 * never a temporary file), and the job lock released.
 */
function expectWriteFailure(result: CliResult, root: string, job: JobUnderTest, code: string, file: string) {
  const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  const summary = JSON.parse(result.stdout) as JsonDocument;
  expect(result.exitCode, context).toBe(1);
  expect(summary.status, context).toBe('error');
  expect(summary.diagnostics.error_code, context).toBe(code);
  expect(summary.diagnostics.error_message, context).toContain(file);
  expect(summary.diagnostics.error_message, context).not.toMatch(/\.tmp-/);
  expect(result.stderr, context).not.toMatch(/^\s+at /m);
  expect(problemLines(result.stderr).map((line) => line.code)).toContain(code);
  expect(existsSync(join(root, job.lockFile)), 'the job lock is released').toBe(false);
}

const CHMOD_STOPS_WRITES = chmodStopsWrites();
const MOUNTS_ALLOWED = !CHMOD_STOPS_WRITES && mountsAllowed();

/** Each job's own output, pointed below a regular file so that writing it fails with ENOTDIR. */
const OWN_OUTPUTS: Record<string, { run: JobRun; file: string }> = {
  weekly: {
    run: { extraArgs: ['--dry-run-dir', 'out/blocked/weekly_report'] },
    file: 'out/blocked',
  },
  dashboard: {
    run: {
      extraArgs: [
        '--output-dir',
        'out/blocked/dashboard',
        '--manifest',
        'out/blocked/dashboard/manifest.json',
      ],
    },
    file: 'out/blocked',
  },
  latency: {
    run: { extraArgs: ['--rollup-output', 'out/blocked/rollup.csv'] },
    file: 'out/blocked',
  },
  'rebuild-log': {
    run: { extraArgs: ['--output', 'out/blocked/rebuilt.log'] },
    file: 'out/blocked',
  },
};

const JOBS = [WEEKLY, DASHBOARD, LATENCY, VERIFY, REBUILD_LOG, DAILY];

/** The jobs that write under out/ on their default paths, and the binary whose write fails first. */
const WRITES_OUT: Record<string, string> = {
  weekly: 'obs-weekly',
  dashboard: 'obs-dashboard',
  latency: 'obs-latency',
  daily: 'obs-latency',
};

describe.each(JOBS)('$name with outputs it cannot write', (job) => {
  let root: string;
  let cleanup: () => Promise<void>;
  const mounted: string[] = [];

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace(`obs-unwritable-${job.name}-`));
    await job.prepare(root);
    await mkdir(join(root, 'out'), { recursive: true });
    await writeFile(join(root, 'ops/blocked'), 'a regular file where a folder is expected\n');
    await writeFile(join(root, 'out/blocked'), 'a regular file where a folder is expected\n');
  });
  afterEach(async () => {
    for (const dir of mounted.splice(0)) unmount(dir);
    await chmod(join(root, 'ops'), 0o755).catch(() => undefined);
    await chmod(join(root, 'out'), 0o755).catch(() => undefined);
    await cleanup();
  });

  it.skipIf(!CHMOD_STOPS_WRITES && !MOUNTS_ALLOWED)(
    `read-only ops/ → log_write_failed (${CHMOD_STOPS_WRITES ? 'chmod 0555' : 'read-only bind mount, as root ignores chmod'})`,
    async () => {
      const ops = join(root, 'ops');
      if (CHMOD_STOPS_WRITES) await chmod(ops, 0o555);
      else if (mountReadOnly(ops)) mounted.push(ops);
      else throw new Error('the probe allowed mounts but mounting ops/ read-only failed');
      const result = await runJobCli(job, root);
      expectWriteFailure(result, root, job, 'log_write_failed', 'ops/automation_runs.log');
    },
  );

  it('run log below a regular file (ENOTDIR) → log_write_failed naming the log', async () => {
    const result = await runJobCli(job, root, {
      extraArgs: ['--log-file', 'ops/blocked/automation_runs.log'],
    });
    expectWriteFailure(result, root, job, 'log_write_failed', 'ops/blocked/automation_runs.log');
  });

  it('sequence file below a regular file (ENOTDIR) → log_write_failed naming the sequence file', async () => {
    const result = await runJobCli(job, root, {
      extraArgs: ['--sequence-file', 'ops/blocked/automation_runs.sequence'],
    });
    expectWriteFailure(result, root, job, 'log_write_failed', 'ops/blocked/automation_runs.sequence');
  });

  it.skipIf(!job.heartbeatFile)(
    'heartbeat below a regular file (ENOTDIR) → heartbeat_write_failed, and the run is still logged',
    async () => {
      const result = await runJobCli(job, root, {
        extraArgs: ['--heartbeat-file', 'ops/blocked/heartbeat.json'],
      });
      expectWriteFailure(result, root, job, 'heartbeat_write_failed', 'ops/blocked/heartbeat.json');
      expect(existsSync(join(root, 'ops/automation_runs.log'))).toBe(true);
    },
  );

  it.skipIf(!OWN_OUTPUTS[job.name])(
    "the job's own output below a regular file → output_not_writable naming it",
    async () => {
      const own = OWN_OUTPUTS[job.name] as (typeof OWN_OUTPUTS)[string];
      const result = await runJobCli(job, root, own.run);
      expectWriteFailure(result, root, job, 'output_not_writable', own.file);
      expect(existsSync(join(root, 'ops/automation_runs.log')), 'the failure is logged').toBe(true);
    },
  );

  it.skipIf(!WRITES_OUT[job.name] || (!CHMOD_STOPS_WRITES && !MOUNTS_ALLOWED))(
    `read-only out/ → output_not_writable naming out/ (${CHMOD_STOPS_WRITES ? 'chmod 0555' : 'read-only bind mount, as root ignores chmod'})`,
    async () => {
      const out = join(root, 'out');
      await rm(join(out, 'blocked'));
      if (CHMOD_STOPS_WRITES) await chmod(out, 0o555);
      else if (mountReadOnly(out)) mounted.push(out);
      else throw new Error('the probe allowed mounts but mounting out/ read-only failed');
      const result = await runJobCli(job, root);
      const failing = WRITES_OUT[job.name] as string;
      const summary = JSON.parse(result.stdout) as JsonDocument;
      // obs-daily reports the job that failed: its own code is job_failed, the child's is output_not_writable.
      const code =
        job.name === 'daily' ? summary.diagnostics.failed_error_code : summary.diagnostics.error_code;
      expect(code, result.stdout).toBe('output_not_writable');
      expect(summary.diagnostics.error_message).toContain(`${root}/out`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(problemLines(result.stderr)).toContainEqual({
        binary: failing,
        code: 'output_not_writable',
        message: expect.stringMatching(/folder .*\/out is (on a read-only file system|not writable)/),
      });
      await chmod(out, 0o755).catch(() => undefined);
    },
  );
});

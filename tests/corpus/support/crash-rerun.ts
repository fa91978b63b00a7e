import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { ageLeftLocks } from '../../../scripts/soak/left-locks.mjs';
import { makeWorkspace } from '../../support/cli-process.js';
import { expectWholeArtefacts, runVerifyCli } from './artefact-checks.js';
import type { JsonDocument } from './corpus-case.js';
import { type JobRun, type JobUnderTest, plusMinutes, runJobCli } from './jobs-under-test.js';

/** The re-run takes over the killed run's lock once it is stale (2 s is the shortest core allows). */
export const LOCK_STALE_SECONDS = 2;

export interface RerunCheck {
  root: string;
  /** the re-run's summary */
  rerun: JsonDocument;
  /** obs-verify's checks after the re-run, by name (log_schema, sequence, dashboard_manifest, …) */
  checks: Record<string, JsonDocument>;
  /** the bytes of the case's `keep` file before the crash */
  kept: Buffer | null;
  expect: ExpectStatic;
}

/** One named point of one job: where the run is killed, and what the re-run must leave. */
export interface CrashCase {
  job: JobUnderTest;
  point: string;
  /** prepares the workspace beyond job.prepare so that the next run reaches the point; returns that run */
  arrange?: (root: string) => Promise<JobRun>;
  /** a file (root-relative) whose bytes before the crash `verify` compares with */
  keep?: string;
  /** what else obs-verify is asked after the re-run (e.g. `--job-id` to trace it), and its env */
  verifyWith?: (rerun: JsonDocument) => { args: string[]; env?: NodeJS.ProcessEnv };
  /** checks of the job's own artefacts after the successful re-run */
  verify?: (check: RerunCheck) => Promise<void>;
}

/**
 * Runs the job with OBS_FAULT_POINT so that it kills itself with SIGKILL at the point, ages the
 * locks it left as the time to the next scheduled run would, runs it again five minutes later, and checks that the re-run
 * succeeded, released its lock, left whole artefacts and a run log obs-verify accepts; then
 * the case's own checks, with obs-verify's report.
 */
export async function crashThenRerun(
  crash: CrashCase,
  expect: ExpectStatic,
  extraCheck?: (check: RerunCheck) => Promise<void>,
): Promise<void> {
  const { job, point } = crash;
  const { root, cleanup } = await makeWorkspace(`obs-crash-${job.name}-`);
  try {
    await job.prepare(root);
    const run = (await crash.arrange?.(root)) ?? {};
    const kept = crash.keep ? await readFile(join(root, crash.keep)) : null;

    const crashed = await runJobCli(job, root, { ...run, env: { ...run.env, OBS_FAULT_POINT: point } });
    expect(crashed.signal, `the run reaches ${point}\n${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');

    await ageLeftLocks(root);
    const rerunNow = plusMinutes(run.now ?? job.now, 5);
    const result = await runJobCli(job, root, {
      ...run,
      now: rerunNow,
      extraArgs: [...(run.extraArgs ?? []), '--lock-stale-seconds', String(LOCK_STALE_SECONDS)],
    });
    const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr.slice(0, 3000)}`;
    expect(result.exitCode, context).toBe(0);
    const rerun = JSON.parse(result.stdout) as JsonDocument;
    expect(['ok', 'warning', 'dry_run'], context).toContain(rerun.status);
    expect(existsSync(join(root, job.lockFile)), 'the lock is released').toBe(false);

    await expectWholeArtefacts(root, expect);
    const asked = crash.verifyWith?.(rerun) ?? { args: [] };
    const report = await runVerifyCli(
      root,
      plusMinutes(rerunNow, 1),
      ['--check-log', 'ops/automation_runs.log', ...asked.args],
      asked.env,
    );
    const checks = Object.fromEntries((report.checks as JsonDocument[]).map((item) => [item.name, item]));
    // The run log's lines are valid entries, their sequence numbers unique and gap-free
    // (sequence_gap warnings carry none), and the sequence file agrees.
    for (const name of ['log_schema', 'sequence'])
      expect(checks[name], JSON.stringify(checks[name])).toMatchObject({ status: 'pass' });
    const check: RerunCheck = { root, rerun, checks, kept, expect };
    await crash.verify?.(check);
    await extraCheck?.(check);
  } finally {
    await cleanup();
  }
}

import { writeWeeklyWorkspace } from '../../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { writeDailyInputs } from '../../daily/support/daily-workspace.js';
import { writeDashboardWorkspace } from '../../dashboard/support/dashboard-run.js';
import { BIN, type CliResult, cleanEnv, type RunCliOptions, runCli } from '../../support/cli-process.js';
import { NOW as VERIFY_NOW, writeHealthyWorkspace } from '../../verify/support/verify-workspace.js';
import { LATENCY_TABLE } from './latency-table.js';

/** A job as the reliability tests drive it: a workspace it succeeds on and how to run it. */
export interface JobUnderTest {
  name: string;
  binary: string;
  /** the subcommand, before every other argument */
  command?: readonly string[];
  /** the clock of the workspace's inputs */
  now: string;
  /** writes a workspace on which a run succeeds */
  prepare(root: string): Promise<void>;
  /** arguments of a run that needs no network */
  args: readonly string[];
  /** the job lock folder, root-relative */
  lockFile: string;
  /** the job's heartbeat, root-relative (rebuild-log keeps none) */
  heartbeatFile?: string;
  /** arguments that send every file the job writes (log and sequence included) into `dir` */
  outputsUnder(dir: string): string[];
}

/** The run log and its sequence file inside `dir`. */
function logUnder(dir: string): string[] {
  return ['--log-file', `${dir}/automation_runs.log`, '--sequence-file', `${dir}/automation_runs.sequence`];
}

/** The run log, its sequence file and the job's heartbeat inside `dir`. */
function commonOutputsUnder(dir: string): string[] {
  return [...logUnder(dir), '--heartbeat-file', `${dir}/heartbeat.json`];
}

export const WEEKLY: JobUnderTest = {
  name: 'weekly',
  binary: BIN.weekly,
  now: '2025-10-14T01:00:00Z',
  prepare: writeWeeklyWorkspace,
  args: ['--dry-run-webhook', '--retry-wait-seconds', '0'],
  lockFile: 'ops/.weekly.lock',
  heartbeatFile: 'ops/weekly_report_heartbeat.json',
  outputsUnder: (dir) => [...commonOutputsUnder(dir), '--dry-run-dir', `${dir}/weekly_report`],
};

export const DASHBOARD: JobUnderTest = {
  name: 'dashboard',
  binary: BIN.dashboard,
  now: '2026-11-24T12:10:00Z',
  prepare: writeDashboardWorkspace,
  args: ['--dry-run'],
  lockFile: 'ops/.dashboard.lock',
  heartbeatFile: 'ops/dashboard_export_heartbeat.json',
  outputsUnder: (dir) => [
    ...commonOutputsUnder(dir),
    '--output-dir',
    `${dir}/dashboard`,
    '--manifest',
    `${dir}/dashboard/manifest.json`,
    '--history-dir',
    `${dir}/history`,
    '--archive-manifest',
    `${dir}/archive_manifest.jsonl`,
  ],
};

export const LATENCY: JobUnderTest = {
  name: 'latency',
  binary: BIN.latency,
  now: LATENCY_TABLE.now,
  prepare: LATENCY_TABLE.base,
  args: ['--dry-run-alert'],
  lockFile: 'ops/.latency.lock',
  heartbeatFile: 'ops/latency_job_heartbeat.json',
  outputsUnder: (dir) => [
    ...commonOutputsUnder(dir),
    '--rollup-output',
    `${dir}/signal_latency_rollup.csv`,
    '--rejects-file',
    `${dir}/signal_latency_rejects.csv`,
    '--alerts-dir',
    `${dir}/latency_alerts`,
  ],
};

/** `obs-verify` with its default checks, on a workspace every check passes on. */
export const VERIFY: JobUnderTest = {
  name: 'verify',
  binary: BIN.verify,
  now: VERIFY_NOW,
  prepare: (root) => writeHealthyWorkspace(root).then(() => undefined),
  args: [],
  lockFile: 'ops/.verify.lock',
  heartbeatFile: 'ops/verify_heartbeat.json',
  outputsUnder: commonOutputsUnder,
};

/** `obs-verify rebuild-log --apply` on a healthy log: it replaces the log and the sequence file. */
export const REBUILD_LOG: JobUnderTest = {
  name: 'rebuild-log',
  binary: BIN.verify,
  command: ['rebuild-log'],
  now: VERIFY_NOW,
  prepare: (root) => writeHealthyWorkspace(root).then(() => undefined),
  args: ['--apply'],
  lockFile: 'ops/.rebuild-log.lock',
  outputsUnder: logUnder,
};

export const DAILY: JobUnderTest = {
  name: 'daily',
  binary: BIN.daily,
  now: '2025-10-06T12:00:00Z',
  prepare: writeDailyInputs,
  args: ['--observability', '--dry-run'],
  lockFile: 'ops/.daily.lock',
  heartbeatFile: 'ops/daily_heartbeat.json',
  outputsUnder: commonOutputsUnder,
};

export interface JobRun {
  /** replaces the job's clock */
  now?: string;
  /** replaces the job's arguments (those that avoid the network) */
  args?: readonly string[];
  /** added after the job's arguments */
  extraArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: RunCliOptions['timeoutMs'];
}

/** Runs the job's built binary on a workspace. */
export function runJobCli(job: JobUnderTest, root: string, run: JobRun = {}): Promise<CliResult> {
  return runCli(
    job.binary,
    [
      ...(job.command ?? []),
      '--root',
      root,
      '--now',
      run.now ?? job.now,
      ...(run.args ?? job.args),
      ...(run.extraArgs ?? []),
    ],
    { env: cleanEnv(run.env), timeoutMs: run.timeoutMs },
  );
}

/** An ISO-8601 instant moved on by whole minutes. */
export function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** The job's clock moved on by whole minutes, for a second run. */
export function minutesLater(job: JobUnderTest, minutes: number): string {
  return plusMinutes(job.now, minutes);
}

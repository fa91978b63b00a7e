import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type ExpectStatic, it } from 'vitest';
import { type CliResult, cleanEnv, REPO_ROOT, runCli } from '../../../support/cli-process.js';
import { concurrencyLimit } from '../../support/concurrency-limit.js';
import type { JsonDocument, RunStatus } from '../../support/corpus-case.js';
import type { JobUnderTest } from '../../support/jobs-under-test.js';
import * as jobs from '../../support/jobs-under-test.js';
import {
  armSentinels,
  atimeReadsAreVisible,
  changedSentinels,
  makeSandbox,
  rootContents,
  type Sandbox,
} from './sandbox.js';

/** `obs-verify bundle` on the verify workspace's bundle. */
export const VERIFY_BUNDLE: JobUnderTest = { ...jobs.VERIFY, name: 'verify bundle', command: ['bundle'] };

/** `obs-latency record --from-jsonl` (no run of its own: no log entry, the latency lock while it appends). */
export const LATENCY_RECORD: JobUnderTest = {
  ...jobs.LATENCY,
  name: 'latency record',
  command: ['record'],
  args: [],
};

/** `obs-dashboard` as a real export (history, retention), without upload. */
export const DASHBOARD_EXPORT: JobUnderTest = { ...jobs.DASHBOARD, args: [] };

/** Every job the watchdog runs: each binary's job, `obs-verify bundle` and `rebuild-log`. */
export const EVERY_JOB: readonly JobUnderTest[] = [
  jobs.LATENCY,
  jobs.WEEKLY,
  jobs.DASHBOARD,
  jobs.VERIFY,
  VERIFY_BUNDLE,
  jobs.DAILY,
  jobs.REBUILD_LOG,
];

/** A run that ends with its summary: what it must say. */
export interface HostileOutcome {
  exit: 0 | 1 | 2;
  status: RunStatus;
  /** the summary's diagnostics.error_code (null: none) */
  errorCode: string | null;
  /** obs-verify: failure codes its report must list */
  failures?: readonly string[];
  /** texts the error message or a listed failure's message must contain, e.g. the path quoted */
  mentions?: readonly string[];
}

export interface FinishedHostileCase {
  sandbox: Sandbox;
  result: CliResult;
  summary: JsonDocument;
  expect: ExpectStatic;
}

/** One hostile workspace: what is planted, how the job runs on it and what it must make of it. */
export interface HostileCase extends HostileOutcome {
  name: string;
  job: JobUnderTest;
  /** plants the hostile files in the sandbox's root (after the job's own workspace is written) */
  plant(sandbox: Sandbox): Promise<void>;
  /** replaces the job's arguments */
  args?: readonly string[];
  /** added after the job's arguments */
  extraArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** the most resident memory the process may have used, measured inside it (bench/rss-probe.mjs) */
  maxRssMb?: number;
  check?(finished: FinishedHostileCase): Promise<void> | void;
}

const RSS_PROBE = join(REPO_ROOT, 'bench/rss-probe.mjs');

/** The environment of a run whose peak memory is measured into `file` (in KiB). */
function measuredEnv(file: string): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--import ${RSS_PROBE}`, BENCH_RSS_FILE: file };
}

const CASES_AT_ONCE = 4;
const MAX_SUMMARY_BYTES = 64 * 1024;
/** A JavaScript stack frame as node prints it. */
const STACK_FRAME = /^\s+at .+(?::\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** The first line of /etc/passwd, when there is one: it must appear in no output either. */
const PASSWD_LINE = (() => {
  try {
    return readFileSync('/etc/passwd', 'utf8').split('\n')[0] || null;
  } catch {
    return null;
  }
})();

const atime = await atimeReadsAreVisible();

/** How the tables say whether access times are compared (and why not, when they are not). */
export const ATIME_NOTE = atime.visible
  ? 'sentinel contents and access times compared'
  : `sentinel contents compared; access times NOT compared: a read does not move them on ${atime.mount ?? 'this file system'} (noatime or similar)`;

function messagesOf(summary: JsonDocument): string[] {
  const messages = [summary.diagnostics?.error_message];
  for (const failure of summary.failures ?? []) messages.push(failure.message);
  return messages.filter((message): message is string => typeof message === 'string');
}

/** Exit code, status, error code, failures, the messages, one JSON summary, no bare stack. */
export function expectOutcome(
  outcome: HostileOutcome,
  result: CliResult,
  expect: ExpectStatic,
): JsonDocument {
  const context = `stdout:\n${result.stdout.slice(0, 3000)}\nstderr:\n${result.stderr.slice(0, 3000)}`;
  let summary: JsonDocument = {};
  expect(() => {
    summary = JSON.parse(result.stdout);
  }, `stdout is one JSON document\n${context}`).not.toThrow();
  expect(result.stdout.length, 'the summary stays small').toBeLessThan(MAX_SUMMARY_BYTES);
  expect(summary.status, context).toBe(outcome.status);
  expect(result.exitCode, context).toBe(outcome.exit);
  expect(summary.diagnostics?.error_code ?? null, context).toBe(outcome.errorCode);
  const failureCodes = (summary.failures ?? []).map((failure: JsonDocument) => failure.error_code);
  for (const code of outcome.failures ?? []) expect(failureCodes, context).toContain(code);
  const messages = messagesOf(summary).join('\n');
  for (const text of outcome.mentions ?? []) expect(messages, context).toContain(text);
  expect(summary.diagnostics?.error_code, `internal_error\n${context}`).not.toBe('internal_error');
  if (STACK_FRAME.test(result.stderr)) expect(summary.diagnostics?.error_message, context).toBeTruthy();
  return summary;
}

/** Nothing outside the root changed or was read, and nothing of it reached any output. */
async function expectNothingOutside(
  sandbox: Sandbox,
  armed: Awaited<ReturnType<typeof armSentinels>>,
  result: CliResult,
  expect: ExpectStatic,
): Promise<void> {
  expect(await changedSentinels(armed, atime.visible), 'files outside the root').toEqual([]);
  const leaks = (text: string | Buffer) =>
    text.includes(sandbox.marker) || (PASSWD_LINE !== null && text.includes(PASSWD_LINE));
  expect(leaks(result.stdout), 'outside content on stdout').toBe(false);
  expect(leaks(result.stderr), 'outside content on stderr').toBe(false);
  const leaked = (await rootContents(sandbox.root))
    .filter((file) => leaks(file.bytes))
    .map((file) => file.path);
  expect(leaked, 'files holding outside content').toEqual([]);
}

export function argvOf(testCase: Pick<HostileCase, 'job' | 'args' | 'extraArgs'>, root: string): string[] {
  const { job } = testCase;
  return [
    ...(job.command ?? []),
    '--root',
    root,
    '--now',
    job.now,
    ...(testCase.args ?? job.args),
    ...(testCase.extraArgs ?? []),
  ];
}

async function runHostileCase(testCase: HostileCase, expect: ExpectStatic): Promise<void> {
  const sandbox = await makeSandbox();
  try {
    await testCase.job.prepare(sandbox.root);
    await testCase.plant(sandbox);
    const armed = await armSentinels(sandbox);
    const rssFile = join(sandbox.outside, '..', 'peak-rss');
    const result = await runCli(testCase.job.binary, argvOf(testCase, sandbox.root), {
      env: cleanEnv({ ...testCase.env, ...(testCase.maxRssMb === undefined ? {} : measuredEnv(rssFile)) }),
      ...(testCase.input === undefined ? {} : { input: testCase.input }),
      timeoutMs: 120_000,
    });
    const summary = expectOutcome(testCase, result, expect);
    if (testCase.maxRssMb !== undefined) {
      const peakMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      expect(peakMb, 'peak resident memory (MB)').toBeLessThan(testCase.maxRssMb);
    }
    await expectNothingOutside(sandbox, armed, result, expect);
    expect(existsSync(join(sandbox.root, testCase.job.lockFile)), 'the job lock is released').toBe(false);
    await testCase.check?.({ sandbox, result, summary, expect });
  } finally {
    await sandbox.cleanup();
  }
}

/**
 * Registers one class's table: every case runs the built binary on its own sandbox (at most
 * CASES_AT_ONCE at a time) and is checked for its outcome, for sentinels outside the root left
 * unchanged and unread, for no outside content in any output, and for its lock released.
 */
export function describeHostile(title: string, cases: readonly HostileCase[]): void {
  describe(`${title} (${ATIME_NOTE})`, () => {
    const limited = concurrencyLimit(CASES_AT_ONCE);
    const names = new Set<string>();
    for (const testCase of cases) {
      if (names.has(testCase.name)) throw new Error(`${title}: case "${testCase.name}" is listed twice`);
      names.add(testCase.name);
      it.concurrent(testCase.name, ({ expect }) => limited(() => runHostileCase(testCase, expect)), 180_000);
    }
  });
}

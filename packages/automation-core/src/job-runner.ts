import { relative } from 'node:path';
import { CommanderError } from 'commander';
import { parseTimestamp } from './clock.js';
import { resolveRoot } from './command-line/common-options.js';
import type { OptionDeclarations } from './command-line/option-declaration.js';
import { resolveAgainstRoot } from './config-loader.js';
import { diagnosticsLogger } from './diagnostics-logger.js';
import { type HeldLock, tryAcquireLock } from './file-lock.js';
import { buildHeartbeat, type HeartbeatRead, readHeartbeat, writeHeartbeat } from './heartbeat.js';
import {
  type AnyCommandDefinition,
  type AnyJobDefinition,
  type CommandDefinition,
  isJobDefinition,
  type JobContext,
  type JobDefinition,
  type JobOutcome,
} from './job-definition.js';
import { EXIT_FAILED, errorMessageOf, exitCodeForOutcome, JobError, type JobStatus } from './job-error.js';
import { makeJobId } from './job-id.js';
import { binaryOf, type JobInvocation, parseJobArgv, resolveInvocation } from './job-invocation.js';
import { JOB_REGISTRY, type RegisteredJob } from './job-registry.js';
import { orderedSummary, recordFailure, writeJsonOut } from './job-summary.js';
import { recordRunMetrics } from './metrics/run-metrics.js';
import type { RunNotificationInput } from './notifications/run-notifications.js';
import { type OutputFlags, outputFlagsInArgv } from './output/output-mode.js';
import type { Presentation } from './output/presentation.js';
import { problemLine, reportProblems } from './output/problem-lines.js';
import {
  describeCommand,
  detectCommitSha,
  detectEnvironment,
  detectScheduler,
  logContextOf,
} from './run-context.js';
import { appendRunLog } from './run-log.js';
import type { LogAlert, RunLogContext, RunLogEntry } from './run-log-entry.js';
import { secretEnvValues } from './secret-masking.js';
import { unmappedWriteFailure } from './write-failure.js';

export interface RunJobOptions {
  /** set when obs-daily runs the job in its chain */
  parentJobId?: string;
  /** the commit the chain already found for its own entry: its jobs record it without asking git again */
  commitSha?: string;
  /** aborted on SIGTERM/SIGINT by the process that owns the signals */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** how long an interrupted body may take to reach a safe point before the run is closed anyway */
  interruptGraceMs?: number;
}

export interface JobRunResult {
  exitCode: number;
  summary: Record<string, unknown>;
  /** how runMain shows it on stdout (set by the harness from the command line) */
  presentation?: Partial<Presentation>;
}

/**
 * How long a body may take to reach a safe point after an interruption before the run is closed
 * anyway; with the recording after it, well inside the process's SHUTDOWN_DEADLINE_MS.
 */
export const INTERRUPT_GRACE_MS = 3000;
/** A job run by obs-daily closes sooner, so the chain still records it inside its own grace. */
export const CHILD_INTERRUPT_GRACE_MS = 2000;

const RUN_STATUSES: ReadonlySet<string> = new Set(['ok', 'warning', 'error', 'dry_run']);

interface Workspace {
  root: string;
  abs(path: string): string;
  rel(path: string): string;
}

function workspaceOf(root: string): Workspace {
  const abs = (path: string) => resolveAgainstRoot(root, path);
  return { root, abs, rel: (path) => relative(root, abs(path)) || '.' };
}

function errorOutcome(code: string, message: string, details: Record<string, unknown> = {}): JobOutcome {
  return {
    status: 'error',
    artefacts: [],
    diagnostics: { error_code: code, error_message: message, ...details },
  };
}

/** The one summary of a run that failed before or outside the job body. */
export function failureSummary(name: string, error: unknown, now: Date, startedMs: number): JobRunResult {
  const known = error instanceof JobError;
  if (!known) diagnosticsLogger().debug({ err: error }, `${name} failed with an unexpected error`);
  return {
    exitCode: known ? error.exitCode : EXIT_FAILED,
    summary: orderedSummary({
      status: 'error',
      job_id: makeJobId(name, now),
      job_name: name,
      duration_ms: Math.round(performance.now() - startedMs),
      artefacts: [],
      diagnostics: known
        ? { error_code: error.code, error_message: error.message, ...error.details }
        : { error_code: 'internal_error', error_message: errorMessageOf(error) },
    }),
  };
}

/**
 * The run's clock for a failure before options were resolved: `--now` (taken from argv when the
 * command line itself failed to parse) or OBS_NOW when readable, else the system time.
 */
function clockOfFailedInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Date {
  const index = argv.lastIndexOf('--now');
  const inline = argv.findLast((arg) => arg.startsWith('--now='));
  const text = (index >= 0 ? argv[index + 1] : inline?.slice('--now='.length)) ?? env.OBS_NOW;
  return (text ? parseTimestamp(text) : null) ?? new Date();
}

/**
 * A failure before the job could run (bad flag, bad config, a fault in the job's own option
 * handling): nothing is logged and no lock is taken, but the caller still gets one summary, also
 * in `--json-out` when that flag was readable.
 */
async function preRunFailure(
  definition: AnyCommandDefinition,
  error: unknown,
  flags: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv,
  startedMs: number,
  now: Date,
): Promise<JobRunResult> {
  const failure = failureSummary(definition.name, error, now, startedMs);
  const jsonOut = typeof flags?.jsonOut === 'string' ? flags.jsonOut : undefined;
  if (jsonOut === undefined) return failure;
  let root = process.cwd();
  try {
    root = resolveRoot(typeof flags?.root === 'string' ? flags.root : undefined, env);
  } catch {
    // the bad root is what the summary reports; the file goes next to the current directory
  }
  return {
    exitCode: failure.exitCode,
    summary: await writeJsonOut(resolveAgainstRoot(root, jsonOut), jsonOut, failure.summary),
  };
}

/**
 * Runs one job: parse and validate options → build the context → take the job lock → run the
 * body → write the heartbeat → append the log entry → print the summary → return the exit code.
 * obs-daily calls this same function in-process, so a job behaves identically alone and in the
 * chain. Every path ends in one summary; only `--help` and `--version` (a CommanderError) are thrown.
 */
export function runJob<D extends OptionDeclarations, O, C>(
  definition: JobDefinition<D, O, C>,
  argv: readonly string[],
  runOptions: RunJobOptions = {},
): Promise<JobRunResult> {
  const job = definition as unknown as AnyJobDefinition;
  return runCommandLine(job, () => parseJobArgv(job, argv), argv, runOptions);
}

/**
 * Runs a command whose command line `parse` reads: a job through the whole harness (see runJob),
 * any other command through its `execute`, with the same option handling, `--config-dump`,
 * usage errors and `--json-out`. Every problem of the result goes to stderr, one line each
 * (`obs-<job>: <error_code>: <message> (docs/runbook.md#<code>)`), and the result says how
 * stdout shows it.
 */
export async function runCommandLine(
  definition: AnyCommandDefinition,
  parse: () => Record<string, unknown>,
  argv: readonly string[],
  runOptions: RunJobOptions = {},
  binary: string = binaryOf(definition),
): Promise<JobRunResult> {
  let flags: Record<string, unknown> | undefined;
  const result = await runParsedCommandLine(
    definition,
    () => {
      flags = parse();
      return flags;
    },
    argv,
    runOptions,
    binary,
  );
  const presentation = result.presentation ?? {};
  if (!presentation.document) reportProblems(binary, result.summary);
  return {
    ...result,
    presentation: {
      ...presentation,
      binary,
      output: flags ? outputFlagsOf(flags) : outputFlagsInArgv(argv),
      ...(definition.describeSummary ? { describe: definition.describeSummary } : {}),
      ...(definition.innerSummaries ? { inner: definition.innerSummaries } : {}),
      ...(definition.renderForTerminal ? { render: definition.renderForTerminal } : {}),
    },
  };
}

function outputFlagsOf(flags: Record<string, unknown>): OutputFlags {
  return { json: flags.json === true, pretty: flags.pretty === true, noColor: flags.noColor === true };
}

async function runParsedCommandLine(
  definition: AnyCommandDefinition,
  parse: () => Record<string, unknown>,
  argv: readonly string[],
  runOptions: RunJobOptions,
  binary: string,
): Promise<JobRunResult> {
  const startedMs = performance.now();
  const env = runOptions.env ?? process.env;
  let flags: Record<string, unknown> | undefined;
  let invocation: JobInvocation<unknown>;
  try {
    flags = parse();
    invocation = await resolveInvocation(definition, flags, env);
  } catch (error) {
    if (error instanceof CommanderError) throw error;
    return preRunFailure(definition, error, flags, env, startedMs, clockOfFailedInvocation(argv, env));
  }
  if (!isJobDefinition(definition)) return executeCommand(definition, invocation, runOptions, startedMs);
  if (invocation.common.configDump) {
    return {
      exitCode: 0,
      summary: definition.configDump?.(invocation.options, invocation.dump) ?? invocation.dump,
      presentation: { document: true },
    };
  }
  return executeJob(definition, invocation, runOptions, startedMs, argv, binary);
}

/** A command outside the job harness: its own summary, or the error summary of what it threw. */
async function executeCommand(
  definition: CommandDefinition<OptionDeclarations, unknown, unknown>,
  invocation: JobInvocation<unknown>,
  runOptions: RunJobOptions,
  startedMs: number,
): Promise<JobRunResult> {
  const { common } = invocation;
  if (common.configDump) return { exitCode: 0, summary: invocation.dump, presentation: { document: true } };
  const workspace = workspaceOf(common.root);
  let result: JobRunResult;
  try {
    result = await definition.execute(invocation.options, {
      common,
      configPath: invocation.configPath,
      signal: runOptions.signal ?? new AbortController().signal,
      env: runOptions.env ?? process.env,
      resolvePath: workspace.abs,
      relativePath: workspace.rel,
    });
  } catch (error) {
    result = failureSummary(definition.name, error, common.now, startedMs);
  }
  if (!common.jsonOut) return result;
  const summary = await writeJsonOut(workspace.abs(common.jsonOut), common.jsonOut, result.summary);
  return { ...result, exitCode: summary === result.summary ? result.exitCode : EXIT_FAILED, summary };
}

type LockAttempt = { lock: HeldLock } | { lock: null; status: JobStatus; outcome: JobOutcome };

async function takeJobLock(
  lockFile: string,
  shown: string,
  options: {
    holder: string;
    staleSeconds: number;
    wait: { seconds: number; whileHeldBy: readonly string[] } | undefined;
    signal: AbortSignal | undefined;
  },
): Promise<LockAttempt> {
  const startedMs = performance.now();
  const waitedMs = () => Math.round(performance.now() - startedMs);
  try {
    const lock = await tryAcquireLock(lockFile, {
      holder: options.holder,
      staleSeconds: options.staleSeconds,
      waitMs: (options.wait?.seconds ?? 0) * 1000,
      ...(options.wait ? { waitWhileHeldBy: options.wait.whileHeldBy } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (lock) return { lock };
    const reason: unknown = options.signal?.reason;
    if (reason instanceof JobError) {
      return {
        lock: null,
        status: 'error',
        outcome: errorOutcome(
          reason.code,
          `${reason.message} while waiting for lock ${shown}`,
          reason.details,
        ),
      };
    }
    return {
      lock: null,
      status: 'skipped',
      outcome: {
        status: 'ok',
        artefacts: [],
        attempts: 0,
        diagnostics: {
          error_code: 'lock_not_acquired',
          error_message: `lock ${shown} is held by another run${options.wait ? ` (waited ${waitedMs()} ms)` : ''}`,
          lock_file: shown,
        },
      },
    };
  } catch (error) {
    return {
      lock: null,
      status: 'error',
      outcome: errorOutcome('lock_failed', `cannot take lock ${shown}: ${errorMessageOf(error)}`, {
        lock_file: shown,
      }),
    };
  }
}

async function executeJob(
  definition: AnyJobDefinition,
  invocation: JobInvocation<unknown>,
  runOptions: RunJobOptions,
  startedMs: number,
  argv: readonly string[],
  binary: string,
): Promise<JobRunResult> {
  const { common, options } = invocation;
  const env = runOptions.env ?? process.env;
  const jobName = common.jobName ?? definition.name;
  const jobId = common.jobId ?? makeJobId(jobName, common.now);
  const workspace = workspaceOf(common.root);
  const commitSha =
    runOptions.commitSha === undefined ? detectCommitSha(common.root, env) : runOptions.commitSha;
  const lockFile = workspace.abs(definition.lockFile(options));
  const attempt = await takeJobLock(lockFile, workspace.rel(lockFile), {
    holder: definition.name,
    staleSeconds: common.lockStaleSeconds,
    wait: definition.lockWait?.(options),
    signal: runOptions.signal,
  });
  const secretsRead: string[] = [];
  let status: JobStatus;
  let outcome: JobOutcome;
  let summary: Record<string, unknown>;
  try {
    const logContext = logContextOf({
      commitSha: await commitSha,
      environment: detectEnvironment(env),
      scheduler: detectScheduler(env),
    });
    if (attempt.lock) {
      outcome = await runLocked(definition, options, {
        binary,
        jobId,
        jobName,
        invocation,
        runOptions,
        env,
        argv,
        workspace,
        logContext,
        lock: attempt.lock,
        secretsRead,
      });
      status = outcome.status;
    } else {
      ({ status, outcome } = attempt);
      if (status === 'skipped') {
        outcome = await notifySkipped(outcome, {
          definition,
          options,
          invocation,
          workspace,
          jobId,
          runOptions,
          secretsRead,
        });
      }
    }
    summary = await recordRun({
      jobId,
      jobName,
      status,
      outcome,
      secretsRead,
      lockLatencyMs: attempt.lock?.latencyMs ?? null,
      startedMs,
      invocation,
      runOptions,
      workspace,
      logContext,
      runLog: definition.logFile?.(options) ?? common.logFile,
    });
    summary = await recordRunMetrics(summary, {
      metricsDir: workspace.abs(common.metricsDir),
      relativePath: workspace.rel,
      jobName,
      now: common.now,
      domain: (logged) => definition.metrics?.({ summary: logged, heartbeat: outcome.heartbeat ?? {} }) ?? [],
    });
  } finally {
    await attempt.lock?.release();
  }
  summary.duration_ms = Math.round(performance.now() - startedMs);
  if (common.jsonOut) summary = await writeJsonOut(workspace.abs(common.jsonOut), common.jsonOut, summary);
  const diagnostics = summary.diagnostics as Record<string, unknown> | undefined;
  return { exitCode: exitCodeForOutcome(summary.status as JobStatus, diagnostics?.error_code), summary };
}

interface LockedRun<O> {
  /** the binary stderr lines name */
  binary: string;
  jobId: string;
  jobName: string;
  invocation: JobInvocation<O>;
  runOptions: RunJobOptions;
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  workspace: Workspace;
  logContext: RunLogContext;
  lock: HeldLock;
  secretsRead: string[];
}

/** Body and heartbeat, while the job lock is held. Never throws: every failure is an outcome. */
async function runLocked(
  definition: AnyJobDefinition,
  options: unknown,
  run: LockedRun<unknown>,
): Promise<JobOutcome> {
  const { workspace, runOptions } = run;
  const signal = AbortSignal.any(
    [runOptions.signal, run.lock.compromised].filter((item): item is AbortSignal => item !== undefined),
  );
  const heartbeatFile = definition.heartbeatFile
    ? workspace.abs(definition.heartbeatFile(options))
    : undefined;
  const previous: HeartbeatRead = heartbeatFile
    ? await readHeartbeat(heartbeatFile, workspace.rel(heartbeatFile))
    : { kind: 'missing' };
  const context = jobContext(run, signal, previous);
  let outcome = await runBody(
    definition,
    options,
    context,
    runOptions.interruptGraceMs ?? (runOptions.parentJobId ? CHILD_INTERRUPT_GRACE_MS : INTERRUPT_GRACE_MS),
  );
  if (previous.kind === 'corrupt' && heartbeatFile) {
    outcome = withHeartbeatCorruption(
      outcome,
      `heartbeat ${workspace.rel(heartbeatFile)} is corrupt (${previous.reason}); rewritten from this run`,
    );
  }
  outcome = await notifyOutcome(definition, options, run, context, outcome);
  if (!heartbeatFile) return outcome;
  try {
    await writeHeartbeat(
      heartbeatFile,
      buildHeartbeat(previous, outcome, run.jobId, context.now.toISOString()),
    );
    return outcome;
  } catch (error) {
    return {
      ...outcome,
      status: 'error',
      diagnostics: recordFailure(
        outcome.diagnostics ?? {},
        'heartbeat_write_failed',
        `cannot write heartbeat ${workspace.rel(heartbeatFile)}: ${errorMessageOf(error)}`,
      ),
    };
  }
}

/**
 * Whether the run rehearses: its registry dry-run flag is set. A rehearsal that fails is still a
 * rehearsal: its notifications are written down, never sent.
 */
function isDryRun(definition: AnyJobDefinition, options: unknown): boolean {
  const flag = (JOB_REGISTRY as readonly RegisteredJob[]).find(
    (job) => job.name === definition.name,
  )?.dryRunFlag;
  const key = definition.options.entries.find((entry) => entry.flag === flag)?.key;
  if (key === undefined || !options || typeof options !== 'object') return false;
  return (options as Record<string, unknown>)[key] === true;
}

/** Reads a secret's variable and records its name (never its value) among the run's secrets. */
function secretReader(
  env: NodeJS.ProcessEnv,
  secretsRead: string[],
): (envName: string) => string | undefined {
  return (envName) => {
    if (!secretsRead.includes(envName)) secretsRead.push(envName);
    const value = env[envName];
    return value === undefined || value === '' ? undefined : value;
  };
}

/** Loaded when a run has notifications to evaluate: `--help` and obs-status never load its validators. */
function loadNotificationStep() {
  return import('./notifications/run-notifications.js');
}

function notificationInput(
  definition: AnyJobDefinition,
  options: unknown,
  invocation: JobInvocation<unknown>,
  workspace: Workspace,
  jobId: string,
  context: RunNotificationInput['context'],
): RunNotificationInput | null {
  if (!invocation.notifications) return null;
  return {
    job: definition.name,
    jobId,
    dryRun: isDryRun(definition, options),
    lockStaleSeconds: invocation.common.lockStaleSeconds,
    config: invocation.notifications,
    runLog: workspace.rel(definition.logFile?.(options) ?? invocation.common.logFile),
    context,
  };
}

/** The notification step, after the body and before the heartbeat: it may change the run's status. */
async function notifyOutcome(
  definition: AnyJobDefinition,
  options: unknown,
  run: LockedRun<unknown>,
  context: JobContext,
  outcome: JobOutcome,
): Promise<JobOutcome> {
  const input = notificationInput(definition, options, run.invocation, run.workspace, run.jobId, context);
  if (!input) return outcome;
  const carried =
    definition.carriedAlerts && context.previousHeartbeat
      ? await definition.carriedAlerts(options, context.previousHeartbeat)
      : [];
  const { runNotificationStep, withNotifications } = await loadNotificationStep();
  return withNotifications(outcome, await runNotificationStep({ ...input, carried }, outcome));
}

/** A run skipped for its lock still counts towards job_skipped_repeatedly and delivers that. */
async function notifySkipped(
  skipped: JobOutcome,
  run: {
    definition: AnyJobDefinition;
    options: unknown;
    invocation: JobInvocation<unknown>;
    workspace: Workspace;
    jobId: string;
    runOptions: RunJobOptions;
    secretsRead: string[];
  },
): Promise<JobOutcome> {
  const { definition, options, invocation, workspace, runOptions } = run;
  const input = notificationInput(definition, options, invocation, workspace, run.jobId, {
    now: invocation.common.now,
    signal: runOptions.signal ?? new AbortController().signal,
    resolvePath: workspace.abs,
    relativePath: workspace.rel,
    readSecret: secretReader(runOptions.env ?? process.env, run.secretsRead),
  });
  if (!input) return skipped;
  const { runNotificationStep, withNotifications } = await loadNotificationStep();
  const notified = withNotifications(skipped, await runNotificationStep(input, 'skipped'));
  // A skipped run stays skipped; its notification problem is reported beside lock_not_acquired.
  return { ...notified, status: skipped.status };
}

function jobContext<O>(run: LockedRun<O>, signal: AbortSignal, previous: HeartbeatRead): JobContext {
  const { common } = run.invocation;
  return {
    jobName: run.jobName,
    jobId: run.jobId,
    now: common.now,
    startedAt: common.now,
    root: common.root,
    command: describeCommand(run.argv, { secretValues: secretEnvValues(run.env) }),
    commitSha: run.logContext.commit_sha,
    environment: run.logContext.environment,
    scheduler: run.logContext.scheduler as JobContext['scheduler'],
    configPath: run.invocation.configPath,
    ...(run.runOptions.parentJobId ? { parentJobId: run.runOptions.parentJobId } : {}),
    lockLatencyMs: run.lock.latencyMs,
    signal,
    checkpoint() {
      if (signal.aborted) throw signal.reason;
    },
    resolvePath: run.workspace.abs,
    relativePath: run.workspace.rel,
    readSecret: secretReader(run.env, run.secretsRead),
    notifications: run.invocation.notifications,
    previousHeartbeat: previous.kind === 'ok' ? previous.data : null,
    log(message, fields) {
      diagnosticsLogger().info({ job_id: run.jobId, ...fields }, message);
    },
    reportProblem(code, message) {
      process.stderr.write(`${problemLine(run.binary, { code, message })}\n`);
    },
  };
}

/**
 * Settles with the body, or — once the run is interrupted and the body has not reached a safe
 * point within `graceMs` — with the interruption. The timer is cleared as soon as the body ends.
 */
function raceInterruption<T>(body: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  return new Promise<T>((resolveBody, rejectBody) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => rejectBody(signal.reason), graceMs);
    };
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    body.then(
      (value) => {
        settle();
        resolveBody(value);
      },
      (error: unknown) => {
        settle();
        rejectBody(error);
      },
    );
  });
}

async function runBody(
  definition: AnyJobDefinition,
  options: unknown,
  context: JobContext,
  graceMs: number,
): Promise<JobOutcome> {
  try {
    // Interrupted before the body started: the safest point is not to start it.
    context.checkpoint();
    const outcome = await raceInterruption(
      Promise.resolve().then(() => definition.run(options, context)),
      context.signal,
      graceMs,
    );
    return checkedOutcome(outcome);
  } catch (error) {
    return failureOutcome(error, context);
  }
}

/** A body that returns something other than a JobOutcome is a fault of the job, reported as such. */
function checkedOutcome(value: unknown): JobOutcome {
  const outcome = value as Partial<JobOutcome> | null;
  const problem =
    !outcome || typeof outcome !== 'object'
      ? 'not an object'
      : !RUN_STATUSES.has(outcome.status as string)
        ? `status ${JSON.stringify(outcome.status)} is not one of ok, warning, error, dry_run`
        : !Array.isArray(outcome.artefacts) || outcome.artefacts.some((item) => typeof item !== 'string')
          ? 'artefacts is not a list of paths'
          : outcome.alerts !== undefined && !Array.isArray(outcome.alerts)
            ? 'alerts is not a list'
            : null;
  if (problem) throw new JobError('internal_error', `the job returned an invalid outcome: ${problem}`);
  return outcome as JobOutcome;
}

function failureOutcome(error: unknown, context: JobContext): JobOutcome {
  // An abort surfaces in libraries as their own error (AbortError, …); the run reports why it was aborted.
  const failure =
    context.signal.aborted && !(error instanceof JobError)
      ? context.signal.reason
      : unmappedWriteFailure(error);
  if (failure instanceof JobError) return errorOutcome(failure.code, failure.message, failure.details);
  diagnosticsLogger().debug({ job_id: context.jobId, err: failure }, 'job failed with an unexpected error');
  return errorOutcome('internal_error', errorMessageOf(failure));
}

function withHeartbeatCorruption(outcome: JobOutcome, message: string): JobOutcome {
  const diagnostics = outcome.diagnostics ?? {};
  if (outcome.status === 'error' || diagnostics.error_code) {
    return { ...outcome, diagnostics: { ...diagnostics, heartbeat_corrupt: true } };
  }
  return {
    ...outcome,
    status: outcome.status === 'ok' ? 'warning' : outcome.status,
    diagnostics: { error_code: 'heartbeat_corrupt', error_message: message, ...diagnostics },
  };
}

interface RunRecord<O> {
  jobId: string;
  jobName: string;
  status: JobStatus;
  outcome: JobOutcome;
  secretsRead: string[];
  lockLatencyMs: number | null;
  startedMs: number;
  invocation: JobInvocation<O>;
  runOptions: RunJobOptions;
  workspace: Workspace;
  logContext: RunLogContext;
  /** the run log the entry goes to */
  runLog: string;
}

/** Builds the summary and appends the run's log entry; a log that cannot be written fails the run. */
async function recordRun<O>(record: RunRecord<O>): Promise<Record<string, unknown>> {
  const { status, outcome, runOptions, workspace, invocation } = record;
  const durationMs = () => Math.round(performance.now() - record.startedMs);
  const alerts: LogAlert[] = outcome.alerts ?? [];
  const diagnostics: Record<string, unknown> = { ...outcome.diagnostics };
  if (record.secretsRead.length > 0) diagnostics.secrets_read = record.secretsRead;
  // A rehearsal whose status does not say so (a dry-run chain that ended warning): readers of the log must not take it for a success.
  if (outcome.dryRun && status !== 'dry_run') diagnostics.dry_run = true;
  const parent = runOptions.parentJobId ? { parent_job_id: runOptions.parentJobId } : {};
  const summary = orderedSummary({
    status,
    job_id: record.jobId,
    job_name: record.jobName,
    duration_ms: durationMs(),
    artefacts: outcome.artefacts,
    ...parent,
    attempts: outcome.attempts ?? (status === 'skipped' ? 0 : 1),
    lock_latency_ms: record.lockLatencyMs,
    alerts,
    ...outcome.summary,
    diagnostics,
  });
  const { diagnostics: _shownSeparately, ...summaryFields } = outcome.logSummary
    ? { ...summary, ...outcome.logSummary }
    : summary;
  const entry: Omit<RunLogEntry, 'sequence' | 'logged_at'> = {
    job_id: record.jobId,
    job_name: record.jobName,
    status,
    started_at: invocation.common.now.toISOString(),
    duration_ms: durationMs(),
    attempts: summary.attempts as number,
    artefacts: outcome.artefacts,
    alerts,
    diagnostics,
    ...parent,
    context: record.logContext,
    summary: summaryFields,
  };
  try {
    const logged = await appendRunLog(entry, {
      logFile: workspace.abs(record.runLog),
      sequenceFile: workspace.abs(invocation.common.sequenceFile),
      now: () => invocation.common.now,
      root: workspace.root,
    });
    summary.log_sequence = logged.sequence;
    if (logged.sequenceGap) diagnostics.sequence_gap = logged.sequenceGap;
    if (logged.truncated) diagnostics.log_entry_truncated = true;
  } catch (error) {
    summary.status = 'error';
    summary.diagnostics = recordFailure(
      diagnostics,
      error instanceof JobError ? error.code : 'log_write_failed',
      error instanceof JobError ? error.message : `cannot write the run log: ${errorMessageOf(error)}`,
    );
  }
  return summary;
}

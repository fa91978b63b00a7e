import { relative } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { resolveAgainstRoot } from './config-loader.js';
import { diagnosticsLogger } from './diagnostics-logger.js';
import { DEFAULT_LOCK_STALE_SECONDS, tryAcquireLock } from './file-lock.js';
import { type HeartbeatRead, readHeartbeat, writeHeartbeat } from './heartbeat.js';
import type { JobContext, JobDefinition, JobOutcome } from './job-definition.js';
import { EXIT_USAGE, errorMessageOf, exitCodeForStatus, JobError, type JobStatus } from './job-error.js';
import { makeJobId, validateJobId } from './job-id.js';
import { type CommonOptions, resolveJobInvocation } from './job-invocation.js';
import {
  describeCommand,
  detectCommitSha,
  detectEnvironment,
  detectScheduler,
  logContextOf,
} from './run-context.js';
import { appendRunLog } from './run-log.js';
import type { LogAlert, RunLogEntry } from './run-log-entry.js';

export interface RunJobOptions {
  /** set when obs-daily runs the job in its chain */
  parentJobId?: string;
  /** aborted on SIGTERM/SIGINT by the process that owns the signals */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** print the summary on stdout (false inside a chain: only the chain prints) */
  emit?: boolean;
}

export interface JobRunResult {
  exitCode: number;
  summary: Record<string, unknown>;
}

/** How long a body may take to reach a safe point after an interruption before the run is closed anyway. */
const INTERRUPT_GRACE_MS = 5000;

function orderedSummary(fields: Record<string, unknown>): Record<string, unknown> {
  const { status, job_id, job_name, duration_ms, artefacts, diagnostics, ...rest } = fields;
  return { status, job_id, job_name, duration_ms, artefacts, ...rest, diagnostics };
}

export function printSummary(summary: Record<string, unknown>): Promise<void> {
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  return new Promise<void>((resolveWrite) => process.stdout.write(text, () => resolveWrite()));
}

function usageFailure(
  definition: JobDefinition<unknown, unknown>,
  error: JobError,
  startedMs: number,
): JobRunResult {
  let jobId: string;
  try {
    jobId = makeJobId(definition.name, new Date());
  } catch {
    jobId = 'unknown';
  }
  return {
    exitCode: EXIT_USAGE,
    summary: orderedSummary({
      status: 'error',
      job_id: jobId,
      job_name: definition.name,
      duration_ms: Math.round(performance.now() - startedMs),
      artefacts: [],
      diagnostics: { error_code: error.code, error_message: error.message, ...error.details },
    }),
  };
}

function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return AbortSignal.any(present);
}

async function runBody<O, C>(
  definition: JobDefinition<O, C>,
  options: O,
  context: JobContext,
): Promise<JobOutcome> {
  const body = definition.run(options, context);
  const interrupted = new Promise<never>((_, reject) => {
    const onAbort = () => {
      // Give the body the chance to stop at its next safe point, then close the run regardless.
      setTimeout(() => reject(context.signal.reason), INTERRUPT_GRACE_MS).unref();
    };
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
  });
  body.catch(() => undefined);
  return Promise.race([body, interrupted]);
}

function failureOutcome(error: unknown, signal: AbortSignal): { outcome: JobOutcome; internal?: unknown } {
  const failure = signal.aborted && !(error instanceof JobError) ? signal.reason : error;
  if (failure instanceof JobError) {
    return {
      outcome: {
        status: 'error',
        artefacts: [],
        diagnostics: { error_code: failure.code, error_message: failure.message, ...failure.details },
      },
    };
  }
  return {
    outcome: {
      status: 'error',
      artefacts: [],
      diagnostics: { error_code: 'internal_error', error_message: errorMessageOf(failure) },
    },
    internal: failure,
  };
}

function buildHeartbeat(
  previous: HeartbeatRead,
  outcome: JobOutcome,
  jobId: string,
  nowIso: string,
): Record<string, unknown> {
  const base = previous.kind === 'ok' ? previous.data : {};
  const succeeded = outcome.status !== 'error';
  return {
    ...base,
    ...outcome.heartbeat,
    job_id: jobId,
    status: outcome.status,
    generated_at: nowIso,
    last_success_at: succeeded ? nowIso : (base.last_success_at ?? null),
    last_failure: succeeded
      ? (base.last_failure ?? null)
      : { job_id: jobId, error_code: outcome.diagnostics?.error_code ?? 'internal_error', at: nowIso },
  };
}

/**
 * Runs one job: parse and validate options → build the context → take the job lock → run the
 * body → write the heartbeat → append the log entry → print the summary → return the exit code.
 * obs-daily calls this same function in-process, so a job behaves identically alone and in the
 * chain.
 */
export async function runJob<O, C>(
  definition: JobDefinition<O, C>,
  argv: readonly string[],
  runOptions: RunJobOptions = {},
): Promise<JobRunResult> {
  const startedMs = performance.now();
  const env = runOptions.env ?? process.env;
  const anyDefinition = definition as unknown as JobDefinition<unknown, unknown>;
  let invocation: Awaited<ReturnType<typeof resolveJobInvocation<O, C>>>;
  try {
    invocation = await resolveJobInvocation(definition, argv, env);
  } catch (error) {
    if (error instanceof JobError && error.exitCode === EXIT_USAGE)
      return usageFailure(anyDefinition, error, startedMs);
    throw error;
  }
  if (invocation.common.configDump) {
    return { exitCode: 0, summary: invocation.dump };
  }
  return executeJob(definition, invocation, runOptions, startedMs, argv);
}

async function executeJob<O, C>(
  definition: JobDefinition<O, C>,
  invocation: { common: CommonOptions; options: O; configPath: string },
  runOptions: RunJobOptions,
  startedMs: number,
  argv: readonly string[],
): Promise<JobRunResult> {
  const { common, options } = invocation;
  const env = runOptions.env ?? process.env;
  const now = common.now;
  const jobName = common.jobName ?? definition.name;
  const jobId = common.jobId ? validateJobId(common.jobId) : makeJobId(jobName, now);
  const root = common.root;
  const abs = (path: string) => resolveAgainstRoot(root, path);
  const rel = (path: string) => relative(root, abs(path)) || '.';
  const logContext = logContextOf({
    commitSha: await detectCommitSha(root, env),
    environment: detectEnvironment(env),
    scheduler: detectScheduler(env),
  });
  const lockFile = abs(definition.lockFile(options));
  const heartbeatFile = definition.heartbeatFile ? abs(definition.heartbeatFile(options)) : undefined;
  const secretsRead: string[] = [];

  const lock = await tryAcquireLock(lockFile, {
    staleSeconds: common.lockStaleSeconds ?? DEFAULT_LOCK_STALE_SECONDS,
  });

  let outcome: JobOutcome;
  let status: JobStatus;
  let heartbeatWarning: Record<string, unknown> | null = null;
  if (!lock) {
    status = 'skipped';
    outcome = {
      status: 'ok',
      artefacts: [],
      diagnostics: {
        error_code: 'lock_not_acquired',
        error_message: `lock ${rel(lockFile)} is held by another run`,
        lock_file: rel(lockFile),
      },
    };
  } else {
    const signal = combineSignals(runOptions.signal, lock.compromised);
    const previous = heartbeatFile
      ? await readHeartbeat(heartbeatFile)
      : ({ kind: 'missing' } as HeartbeatRead);
    if (previous.kind === 'corrupt') {
      heartbeatWarning = {
        error_code: 'heartbeat_corrupt',
        error_message: `heartbeat ${rel(heartbeatFile as string)} is corrupt (${previous.reason}); rewritten from this run`,
      };
    }
    const context: JobContext = {
      jobName,
      jobId,
      now,
      startedAt: now,
      root,
      command: describeCommand(argv),
      ...{ commitSha: logContext.commit_sha, environment: logContext.environment },
      scheduler: logContext.scheduler as JobContext['scheduler'],
      configPath: invocation.configPath,
      ...(runOptions.parentJobId ? { parentJobId: runOptions.parentJobId } : {}),
      lockLatencyMs: lock.latencyMs,
      signal,
      checkpoint() {
        if (signal.aborted) throw signal.reason;
      },
      resolvePath: abs,
      relativePath: rel,
      readSecret(envName) {
        if (!secretsRead.includes(envName)) secretsRead.push(envName);
        const value = env[envName];
        return value === undefined || value === '' ? undefined : value;
      },
      previousHeartbeat: previous.kind === 'ok' ? previous.data : null,
      log(message, fields) {
        diagnosticsLogger().info({ job_id: jobId, ...fields }, message);
      },
    };
    try {
      outcome = await runBody(definition, options, context);
    } catch (error) {
      const failure = failureOutcome(error, signal);
      outcome = failure.outcome;
      if (failure.internal !== undefined) {
        diagnosticsLogger().error(
          { job_id: jobId, err: failure.internal },
          'job failed with an unexpected error',
        );
      }
    }
    status = outcome.status;
    if (heartbeatWarning && status === 'ok') {
      status = 'warning';
      outcome = { ...outcome, status, diagnostics: { ...heartbeatWarning, ...outcome.diagnostics } };
    } else if (heartbeatWarning) {
      outcome = { ...outcome, diagnostics: { ...outcome.diagnostics, heartbeat_corrupt: true } };
    }
    if (heartbeatFile) {
      try {
        await writeHeartbeat(heartbeatFile, buildHeartbeat(previous, outcome, jobId, now.toISOString()));
      } catch (error) {
        status = 'error';
        outcome = {
          ...outcome,
          status: 'error',
          diagnostics: {
            ...outcome.diagnostics,
            error_code: 'heartbeat_write_failed',
            error_message: `cannot write heartbeat ${rel(heartbeatFile)}: ${errorMessageOf(error)}`,
          },
        };
      }
    }
  }

  const artefacts = outcome.artefacts;
  const alerts: LogAlert[] = outcome.alerts ?? [];
  const diagnostics: Record<string, unknown> = { ...outcome.diagnostics };
  if (secretsRead.length > 0) diagnostics.secrets_read = secretsRead;
  const durationMs = () => Math.round(performance.now() - startedMs);
  const summary = orderedSummary({
    status,
    job_id: jobId,
    job_name: jobName,
    duration_ms: durationMs(),
    artefacts,
    ...(runOptions.parentJobId ? { parent_job_id: runOptions.parentJobId } : {}),
    attempts: outcome.attempts ?? (status === 'skipped' ? 0 : 1),
    lock_latency_ms: lock?.latencyMs ?? null,
    alerts,
    ...outcome.summary,
    diagnostics,
  });
  const entry: Omit<RunLogEntry, 'sequence' | 'logged_at'> = {
    job_id: jobId,
    job_name: jobName,
    status,
    started_at: now.toISOString(),
    duration_ms: durationMs(),
    attempts: summary.attempts as number,
    artefacts,
    alerts,
    diagnostics,
    ...(runOptions.parentJobId ? { parent_job_id: runOptions.parentJobId } : {}),
    context: logContext,
    summary: { ...summary, diagnostics: undefined },
  };
  try {
    const logged = await appendRunLog(entry, {
      logFile: abs(common.logFile),
      sequenceFile: abs(common.sequenceFile),
      now: () => now,
    });
    summary.sequence = logged.sequence;
    if (logged.sequenceGap) diagnostics.sequence_gap = logged.sequenceGap;
  } catch (error) {
    const failure = failureOutcome(error, new AbortController().signal).outcome;
    summary.status = 'error';
    summary.diagnostics = { ...diagnostics, ...failure.diagnostics };
  } finally {
    await lock?.release();
  }
  summary.duration_ms = durationMs();
  if (common.jsonOut) {
    await writeFileAtomic(abs(common.jsonOut), `${JSON.stringify(summary, null, 2)}\n`).catch(
      (error: unknown) => {
        summary.status = 'error';
        summary.diagnostics = {
          ...(summary.diagnostics as object),
          error_code: 'json_out_failed',
          error_message: `cannot write --json-out ${common.jsonOut}: ${errorMessageOf(error)}`,
        };
      },
    );
  }
  return { exitCode: exitCodeForStatus(summary.status as JobStatus), summary };
}

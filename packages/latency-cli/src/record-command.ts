import {
  diagnosticsLogger,
  errorMessageOf,
  exitCodeForStatus,
  JobError,
  type JobRunResult,
  type JobStatus,
  makeJobId,
  tryAcquireLock,
  writeFileAtomic,
} from '@obs-automation/core';
import { appendSamplesToRaw } from '@obs-automation/latency-store';
import { CommanderError } from 'commander';
import { readingOwnFile } from './input-unreadable.js';
import { RejectsWriter } from './raw/rejects-file.js';
import { collectRecordInput, type RecordInput } from './record/record-input.js';
import { type RecordInvocation, resolveRecordInvocation } from './record-invocation.js';

const JOB_NAME = 'latency-record';
const MAX_REJECTS_SHOWN = 20;

/** Appends under the latency lock, waiting for it up to --lock-wait-seconds; returns the lock latency. */
async function writeUnderLock(
  invocation: RecordInvocation,
  input: RecordInput,
  artefacts: string[],
): Promise<number> {
  const { lockPath, relativePath } = invocation;
  const lock = await tryAcquireLock(lockPath, {
    waitMs: invocation.lockWaitSeconds * 1000,
    staleSeconds: invocation.lockStaleSeconds,
  });
  if (!lock) {
    throw new JobError(
      'lock_timeout',
      `lock ${relativePath(lockPath)} still held after ${invocation.lockWaitSeconds} s; nothing was written, send the samples again`,
      { lock_file: relativePath(lockPath) },
    );
  }
  try {
    await readingOwnFile(
      appendSamplesToRaw(
        { path: invocation.rawPath, label: relativePath(invocation.rawPath) },
        input.samples,
      ),
    );
    if (input.samples.length > 0) artefacts.push(relativePath(invocation.rawPath));
    const rejects = new RejectsWriter(
      invocation.rejectsPath,
      input.sourceLabel,
      invocation.now.toISOString(),
    );
    for (const rejected of input.rejected) rejects.add(rejected.line, rejected.reason, rejected.raw);
    await rejects.flush();
    if (rejects.count > 0) artefacts.push(relativePath(invocation.rejectsPath));
  } finally {
    await lock.release();
  }
  return lock.latencyMs;
}

function summaryOf(
  status: JobStatus,
  jobId: string,
  startedMs: number,
  fields: { artefacts?: string[]; extra?: Record<string, unknown>; diagnostics?: Record<string, unknown> },
): Record<string, unknown> {
  return {
    status,
    job_id: jobId,
    job_name: JOB_NAME,
    duration_ms: Math.round(performance.now() - startedMs),
    artefacts: fields.artefacts ?? [],
    ...fields.extra,
    diagnostics: fields.diagnostics ?? {},
  };
}

/**
 * `obs-latency record`: validates the samples before taking the lock, waits for the latency lock,
 * appends them in one write, and moves bad JSON lines to the rejects file with their line
 * numbers. Exit 2 for usage, 1 when nothing could be written, 0 otherwise (status warning when
 * lines were rejected). It writes no run-log entry: it is a data write a notifier may make many
 * times an hour, and its rows, rejects and summary already record it.
 */
export async function runRecord(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobRunResult> {
  const startedMs = performance.now();
  let jobId = makeJobId(JOB_NAME, new Date());
  try {
    const invocation = await resolveRecordInvocation(argv, env);
    if (invocation.dump) return { exitCode: 0, summary: invocation.dump };
    jobId = makeJobId(JOB_NAME, invocation.now);
    const input = await collectRecordInput(invocation);
    const artefacts: string[] = [];
    const lockLatencyMs =
      input.samples.length + input.rejected.length > 0
        ? await writeUnderLock(invocation, input, artefacts)
        : null;
    const rejected = input.rejected.length;
    const status: JobStatus = rejected > 0 ? 'warning' : 'ok';
    const summary = summaryOf(status, jobId, startedMs, {
      artefacts,
      extra: {
        samples_written: input.samples.length,
        rows_rejected: rejected,
        rejected: input.rejected.slice(0, MAX_REJECTS_SHOWN).map(({ line, reason }) => ({ line, reason })),
        input: invocation.relativePath(invocation.rawPath),
        lock_latency_ms: lockLatencyMs,
      },
      diagnostics:
        rejected > 0
          ? {
              error_code: 'rows_rejected',
              error_message: `${input.sourceLabel}:${input.rejected[0]?.line}: ${input.rejected[0]?.reason}; ${rejected} line(s) rejected in all, kept in ${invocation.relativePath(invocation.rejectsPath)}`,
            }
          : {},
    });
    if (invocation.jsonOut)
      await writeFileAtomic(invocation.jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
    return { exitCode: exitCodeForStatus(status), summary };
  } catch (error) {
    // --help: commander printed it; runMain exits with its code.
    if (error instanceof CommanderError) throw error;
    if (!(error instanceof JobError))
      diagnosticsLogger().error({ err: error }, 'record failed with an unexpected error');
    const failure = error instanceof JobError ? error : new JobError('internal_error', errorMessageOf(error));
    return {
      exitCode: failure.exitCode,
      summary: summaryOf('error', jobId, startedMs, {
        diagnostics: { error_code: failure.code, error_message: failure.message, ...failure.details },
      }),
    };
  }
}

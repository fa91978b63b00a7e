import { stat, truncate } from 'node:fs/promises';
import { relative } from 'node:path';
import { appendLines } from './atomic-file.js';
import { faultPoint } from './fault-injection.js';
import { withLock } from './file-lock.js';
import { JobError } from './job-error.js';
import { fitLogLine } from './log-line-limit.js';
import { type LastSequencedEntry, lastSequencedEntry } from './log-tail.js';
import type { RunLogEntry } from './run-log-entry.js';
import { finishInterruptedSeal } from './run-log-segments/interrupted-seal.js';
import { readSegmentManifest, sealedThrough } from './run-log-segments/segment-manifest.js';
import { runLogSegmentPaths } from './run-log-segments/segment-paths.js';
import { bundledSchemaPath, formatSchemaIssues, schemaValidator } from './schema-validator.js';
import { readSequenceFile, type SequenceFileState, writeSequenceFile } from './sequence-file.js';

export const RUN_LOG_SCHEMA = 'automation_run.schema.json';
const LOG_LOCK_WAIT_MS = 30_000;

export type UnsequencedEntry = Omit<RunLogEntry, 'sequence' | 'logged_at'>;

export interface AppendRunLogOptions {
  logFile: string;
  sequenceFile: string;
  now?: () => Date;
  /** workspace root: artefact paths in entries the log writes itself are relative to it */
  root?: string;
}

export interface AppendRunLogResult {
  sequence: number;
  truncated: boolean;
  sequenceGap: Record<string, unknown> | null;
}

interface NextSequence {
  base: number;
  gap: Record<string, unknown> | null;
}

/**
 * Past Number.MAX_SAFE_INTEGER, numbers can no longer be told apart: rather than issue one that
 * may repeat, the run fails with `sequence_exhausted` until the log is renumbered.
 */
function refuseExhausted(state: SequenceFileState, logValue: number, options: AppendRunLogOptions): void {
  const fileValue =
    state.kind === 'corrupt' ? state.outOfRange : state.kind === 'ok' ? state.value : undefined;
  const [where, value] =
    fileValue !== undefined && fileValue >= Number.MAX_SAFE_INTEGER
      ? [`sequence file ${options.sequenceFile}`, fileValue]
      : [`run log ${options.logFile}`, logValue];
  if (value < Number.MAX_SAFE_INTEGER) return;
  throw new JobError(
    'sequence_exhausted',
    `${where} holds sequence ${value}, at or past ${Number.MAX_SAFE_INTEGER}, the last number that can be issued without repeating one; nothing was logged: renumber the log with obs-verify rebuild-log --apply`,
    { log_file: options.logFile, sequence_file: options.sequenceFile, sequence: value },
  );
}

function decideNextSequence(
  state: SequenceFileState,
  last: LastSequencedEntry | null,
  logValue: number,
): NextSequence {
  if (state.kind === 'missing') return { base: logValue, gap: null };
  const fileValue = state.kind === 'ok' ? state.value : null;
  if (fileValue === logValue) return { base: logValue, gap: null };
  const base = Math.max(fileValue ?? 0, logValue);
  return {
    base,
    gap: {
      error_code: 'sequence_gap',
      error_message:
        fileValue === null
          ? `sequence file is corrupt (${(state as { reason: string }).reason}); continuing after the log's last sequence ${logValue}`
          : `sequence file says ${fileValue} but the log's last sequence is ${logValue}; continuing after ${base}`,
      expected: fileValue,
      observed: logValue,
      gap_size: fileValue === null ? null : Math.abs(fileValue - logValue),
      direction:
        fileValue === null ? 'file_corrupt' : fileValue > logValue ? 'log_behind_file' : 'log_ahead_of_file',
      previous_job_id: last?.jobId ?? null,
    },
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function validateEntry(entry: RunLogEntry): Promise<void> {
  const validate = await schemaValidator(bundledSchemaPath(RUN_LOG_SCHEMA));
  const issues = validate(entry);
  if (issues.length > 0) {
    throw new JobError(
      'log_write_failed',
      `run log entry for ${entry.job_id} fails ${RUN_LOG_SCHEMA}: ${formatSchemaIssues(issues)}`,
    );
  }
}

/**
 * The log's last sequence and entry: the open log's, else (just after a seal, or with every
 * entry sealed) the highest the segment manifest records, so numbering never restarts. A seal
 * killed before the open log was replaced is finished first.
 */
async function lastLogged(logFile: string): Promise<{ last: LastSequencedEntry | null; logValue: number }> {
  const paths = runLogSegmentPaths(logFile);
  const manifest = await readSegmentManifest(paths.manifest, paths.manifest);
  if (manifest.live.length > 0) await finishInterruptedSeal(logFile, manifest);
  const last = await lastSequencedEntry(logFile);
  return { last, logValue: Math.max(last?.sequence ?? 0, sealedThrough(manifest) ?? 0) };
}

/**
 * Appends one entry with the next sequence number. Under one exclusive lock: read the sequence
 * file and the log's last sequence, append (fsync), then replace the sequence file. When the two
 * disagree a `sequence_gap` warning entry is written first and numbering continues from the larger,
 * so no number is ever issued twice. A sequence at or past Number.MAX_SAFE_INTEGER in either
 * is `sequence_exhausted`; every other failure is `log_write_failed`.
 */
export async function appendRunLog(
  entry: UnsequencedEntry,
  options: AppendRunLogOptions,
): Promise<AppendRunLogResult> {
  const now = options.now ?? (() => new Date());
  try {
    return await withLock(`${options.logFile}.lock`, LOG_LOCK_WAIT_MS, async () => {
      const [state, { last, logValue }] = await Promise.all([
        readSequenceFile(options.sequenceFile),
        lastLogged(options.logFile),
      ]);
      refuseExhausted(state, logValue, options);
      const { base, gap } = decideNextSequence(state, last, logValue);
      const loggedAt = now().toISOString();
      const lines: string[] = [];
      if (gap) {
        const warning: RunLogEntry = {
          job_id: entry.job_id,
          job_name: entry.job_name,
          status: 'warning',
          logged_at: loggedAt,
          started_at: entry.started_at,
          duration_ms: 0,
          attempts: 0,
          artefacts: [options.root ? relative(options.root, options.sequenceFile) : options.sequenceFile],
          alerts: [],
          diagnostics: gap,
          context: entry.context,
          ...(entry.parent_job_id ? { parent_job_id: entry.parent_job_id } : {}),
        };
        await validateEntry(warning);
        lines.push(fitLogLine(warning).line);
      }
      const sequence = base + 1;
      const { job_id, job_name, status, ...rest } = entry;
      const sequenced: RunLogEntry = { job_id, job_name, status, sequence, logged_at: loggedAt, ...rest };
      await validateEntry(sequenced);
      const fitted = fitLogLine(sequenced);
      lines.push(fitted.line);
      const sizeBefore = await fileSize(options.logFile);
      await appendLines(options.logFile, lines);
      faultPoint('log:after-append');
      try {
        await writeSequenceFile(options.sequenceFile, sequence, now());
      } catch (error) {
        // log_write_failed must mean "not logged": an entry whose number the sequence file does
        // not record would be numbered again by the next run.
        await truncate(options.logFile, sizeBefore).catch(() => undefined);
        throw error;
      }
      return { sequence, truncated: fitted.truncated, sequenceGap: gap };
    });
  } catch (error) {
    if (
      error instanceof JobError &&
      (error.code === 'log_write_failed' || error.code === 'sequence_exhausted')
    )
      throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new JobError('log_write_failed', `cannot write run log ${options.logFile}: ${reason}`, {
      log_file: options.logFile,
    });
  }
}

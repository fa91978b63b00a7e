import { writeFileAtomic } from './atomic-file.js';
import type { JobOutcome } from './job-definition.js';
import { type JsonObjectRead, readJsonObjectFile } from './json-object-file.js';
import { warningCodeOf } from './run-warning.js';

export type HeartbeatRead = JsonObjectRead;

/** A run's error or warning code as the heartbeat records it (`last_failure`, `last_warning`). */
export interface HeartbeatFailure {
  job_id: string;
  error_code: string;
  at: string;
}

/**
 * Reads a heartbeat without trusting it (see readJsonObjectFile): anything but a small JSON
 * object is `corrupt` with a reason that names the problem and its position, never the content.
 */
export function readHeartbeat(path: string, shown: string = path): Promise<HeartbeatRead> {
  return readJsonObjectFile(path, { kind: 'heartbeat', shown, code: 'heartbeat_corrupt' });
}

export async function writeHeartbeat(path: string, data: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** A run that counts as a success for freshness: it ended ok or warning, and it was not a dry run. */
export function isRealSuccess(status: unknown, dryRun = false): boolean {
  return !dryRun && (status === 'ok' || status === 'warning');
}

/**
 * The heartbeat after a run: the previous fields (so job-specific state such as alert streaks
 * carries over), the job's own fields, then the fields common to every job. `last_success_at`
 * moves only on a real success (ok or warning), `last_dry_run_at` on a dry run; a failed run
 * keeps both and records itself as `last_failure`. `last_warning` is the code the newest real
 * run ended `warning` with (ownWarningCode), null when it did not; a rehearsal keeps it.
 */
export function buildHeartbeat(
  previous: HeartbeatRead,
  outcome: JobOutcome,
  jobId: string,
  nowIso: string,
): Record<string, unknown> {
  const base = previous.kind === 'ok' ? previous.data : {};
  const failed = outcome.status === 'error';
  const rehearsal = !failed && (outcome.dryRun === true || outcome.status === 'dry_run');
  const failure: HeartbeatFailure = {
    job_id: jobId,
    error_code: String(outcome.diagnostics?.error_code ?? 'internal_error'),
    at: nowIso,
  };
  const warningCode = warningCodeOf(outcome.status, outcome.diagnostics ?? {});
  const warning: HeartbeatFailure | null = warningCode
    ? { job_id: jobId, error_code: warningCode, at: nowIso }
    : null;
  return {
    ...base,
    ...outcome.heartbeat,
    job_id: jobId,
    status: outcome.status,
    generated_at: nowIso,
    last_success_at: isRealSuccess(outcome.status, outcome.dryRun) ? nowIso : (base.last_success_at ?? null),
    last_dry_run_at: rehearsal ? nowIso : (base.last_dry_run_at ?? null),
    last_failure: failed ? failure : (base.last_failure ?? null),
    last_warning: rehearsal ? (base.last_warning ?? null) : warning,
  };
}

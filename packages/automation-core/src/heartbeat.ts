import { writeFileAtomic } from './atomic-file.js';
import { readBoundedFile } from './bounded-file-read.js';
import { parseJsonBounded } from './bounded-json.js';
import type { JobOutcome } from './job-definition.js';
import { JobError } from './job-error.js';

export type HeartbeatRead =
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'ok'; data: Record<string, unknown> };

export interface HeartbeatFailure {
  job_id: string;
  error_code: string;
  at: string;
}

/**
 * Reads a heartbeat without trusting it: never through a link, never a FIFO or device, at most
 * the heartbeat cap, nested at most MAX_JSON_DEPTH deep. Anything else is `corrupt` with a
 * reason that names the problem and its position, never the file's content.
 */
export async function readHeartbeat(path: string, shown: string = path): Promise<HeartbeatRead> {
  try {
    const bytes = await readBoundedFile(path, { kind: 'heartbeat', shown, code: 'heartbeat_corrupt' });
    if (bytes === null) return { kind: 'missing' };
    const data = parseJsonBounded(bytes, { what: 'heartbeat', file: shown, code: 'heartbeat_corrupt' });
    if (data && typeof data === 'object' && !Array.isArray(data))
      return { kind: 'ok', data: data as Record<string, unknown> };
    return { kind: 'corrupt', reason: 'not a JSON object' };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'corrupt', reason: String(error.details.problem ?? error.message) };
  }
}

export async function writeHeartbeat(path: string, data: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}

/**
 * The heartbeat after a run: the previous fields (so job-specific state such as alert streaks
 * carries over), the job's own fields, then the fields common to every job. A failed run keeps
 * the previous `last_success_at` and records itself as `last_failure`.
 */
export function buildHeartbeat(
  previous: HeartbeatRead,
  outcome: JobOutcome,
  jobId: string,
  nowIso: string,
): Record<string, unknown> {
  const base = previous.kind === 'ok' ? previous.data : {};
  const succeeded = outcome.status !== 'error';
  const failure: HeartbeatFailure = {
    job_id: jobId,
    error_code: String(outcome.diagnostics?.error_code ?? 'internal_error'),
    at: nowIso,
  };
  return {
    ...base,
    ...outcome.heartbeat,
    job_id: jobId,
    status: outcome.status,
    generated_at: nowIso,
    last_success_at: succeeded ? nowIso : (base.last_success_at ?? null),
    last_failure: succeeded ? (base.last_failure ?? null) : failure,
  };
}

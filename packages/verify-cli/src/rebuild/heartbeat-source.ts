import { type JobStatus, quoteUntrusted, readHeartbeat, resolveAgainstRoot } from '@obs-automation/core';
import { isRecord } from '../trace/json-files.js';
import { timestampField } from './artefact-time.js';
import { parseJobId, type ReconstructedJobs } from './reconstructed-job.js';

const STATUSES: ReadonlySet<string> = new Set(['ok', 'warning', 'error', 'dry_run', 'skipped']);

/**
 * A heartbeat records its job's last run (job_id, status, generated_at) and the last failure.
 * Without a `status` (the earlier tooling's dashboard heartbeat) the run failed when the last
 * failure is that run's.
 */
export async function jobsFromHeartbeat(root: string, file: string, jobs: ReconstructedJobs): Promise<void> {
  const read = await readHeartbeat(resolveAgainstRoot(root, file));
  if (read.kind === 'missing') return;
  if (read.kind === 'corrupt') return jobs.reject(file, `heartbeat is corrupt: ${read.reason}`);
  const data = read.data;
  const failure = isRecord(data.last_failure) ? data.last_failure : null;
  const jobId = typeof data.job_id === 'string' ? data.job_id : '';
  const parsed = parseJobId(jobId);
  if (!parsed) {
    jobs.reject(file, `job_id ${quoteUntrusted(String(data.job_id))} is not a job id`);
  } else {
    const failedRun = failure?.job_id === jobId;
    const status = (
      typeof data.status === 'string' && STATUSES.has(data.status) ? data.status : failedRun ? 'error' : 'ok'
    ) as JobStatus;
    jobs.add({
      jobId,
      status,
      at: timestampField(data, ['generated_at', 'last_success_at']) ?? parsed.startedAt,
      artefacts: [file],
      sources: [file],
      ...(status === 'error' && typeof failure?.error_code === 'string'
        ? { errorCode: failure.error_code }
        : {}),
      statusFromHeartbeat: true,
    });
  }
  if (failure && typeof failure.job_id === 'string' && failure.job_id !== jobId) {
    const failed = parseJobId(failure.job_id);
    if (!failed)
      return jobs.reject(`${file} last_failure`, `job_id ${quoteUntrusted(failure.job_id)} is not a job id`);
    jobs.add({
      jobId: failure.job_id,
      status: 'error',
      at: timestampField(failure, ['at']) ?? failed.startedAt,
      artefacts: [],
      sources: [file],
      ...(typeof failure.error_code === 'string' ? { errorCode: failure.error_code } : {}),
      statusFromHeartbeat: true,
    });
  }
}

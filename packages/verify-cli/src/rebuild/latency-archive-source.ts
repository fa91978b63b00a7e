import { resolveAgainstRoot } from '@obs-automation/core';
import { forEachJsonLine } from '../trace/json-files.js';
import { timestampField } from './artefact-time.js';
import { parseJobId, type ReconstructedJobs } from './reconstructed-job.js';

/** Each archive manifest line is written by a latency run that archived raw samples. */
export async function jobsFromLatencyArchive(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  await forEachJsonLine(
    resolveAgainstRoot(root, manifest),
    ({ line, value }) => {
      const jobId = typeof value.job_id === 'string' ? value.job_id : '';
      const parsed = parseJobId(jobId);
      if (!parsed) return jobs.reject(`${manifest}:${line}`, 'job_id is not a job id');
      jobs.add({
        jobId,
        status: 'ok',
        at: timestampField(value, ['rotated_at']) ?? parsed.startedAt,
        artefacts: [...(typeof value.path === 'string' ? [value.path] : []), manifest],
        sources: [manifest],
      });
    },
    (line, reason) => jobs.reject(`${manifest}:${line}`, reason),
  );
}

import { resolveAgainstRoot } from '@obs-automation/core';
import { forEachJsonLine } from '../trace/json-files.js';
import { timestampField } from './artefact-time.js';
import { parseJobId, type ReconstructedJobs } from './reconstructed-job.js';

/**
 * Each delivery line of the weekly history manifest is written by a weekly run that delivered
 * its report. Deletion lines say nothing about how the deleting run ended and are passed over.
 */
export async function jobsFromWeeklyHistory(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  await forEachJsonLine(
    resolveAgainstRoot(root, manifest),
    ({ line, value }) => {
      if (value.event === 'deleted' || (value.event === undefined && value.delivered_at === undefined))
        return;
      const jobId = typeof value.job_id === 'string' ? value.job_id : '';
      const parsed = parseJobId(jobId);
      if (!parsed) return jobs.reject(`${manifest}:${line}`, 'job_id is not a job id');
      const payload = typeof value.path === 'string' ? value.path : null;
      jobs.add({
        jobId,
        status: 'ok',
        at: timestampField(value, ['delivered_at']) ?? parsed.startedAt,
        artefacts: [...(payload ? [payload, payload.replace(/\.json$/, '.sig')] : []), manifest],
        sources: [manifest],
        ...(Number.isInteger(value.attempts) && (value.attempts as number) >= 1
          ? { attempts: value.attempts as number }
          : {}),
        summary: {
          week_start: value.week_start ?? null,
          delivered: true,
          webhook_status_code: value.webhook_status_code ?? null,
        },
      });
    },
    (line, reason) => jobs.reject(`${manifest}:${line}`, reason),
  );
}

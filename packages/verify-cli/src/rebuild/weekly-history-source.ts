import { timestampField } from './artefact-time.js';
import { jobsFromJsonLines } from './json-lines-source.js';
import type { ReconstructedJobs } from './reconstructed-job.js';

/**
 * Each delivery line of the weekly history manifest is written by a weekly run that delivered
 * its report. Deletion lines say nothing about how the deleting run ended and are passed over.
 */
export function jobsFromWeeklyHistory(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  return jobsFromJsonLines(root, manifest, jobs, {
    recordsRun: (value) =>
      value.event !== 'deleted' && (value.event !== undefined || value.delivered_at !== undefined),
    run: (value, startedAt) => {
      const payload = typeof value.path === 'string' ? value.path : null;
      return {
        status: 'ok',
        at: timestampField(value, ['delivered_at']) ?? startedAt,
        artefacts: [...(payload ? [payload, payload.replace(/\.json$/, '.sig')] : []), manifest],
        ...(Number.isInteger(value.attempts) && (value.attempts as number) >= 1
          ? { attempts: value.attempts as number }
          : {}),
        summary: {
          week_start: value.week_start ?? null,
          delivered: true,
          webhook_status_code: value.webhook_status_code ?? null,
        },
      };
    },
  });
}

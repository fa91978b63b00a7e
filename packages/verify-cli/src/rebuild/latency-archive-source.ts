import { timestampField } from './artefact-time.js';
import { jobsFromJsonLines } from './json-lines-source.js';
import type { ReconstructedJobs } from './reconstructed-job.js';

/** Each archive manifest line is written by a latency run that archived raw samples. */
export function jobsFromLatencyArchive(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  return jobsFromJsonLines(root, manifest, jobs, {
    run: (value, startedAt) => ({
      status: 'ok',
      at: timestampField(value, ['rotated_at']) ?? startedAt,
      artefacts: [...(typeof value.path === 'string' ? [value.path] : []), manifest],
    }),
  });
}

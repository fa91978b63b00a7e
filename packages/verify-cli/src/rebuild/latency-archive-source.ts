import { parseTimestamp, resolveAgainstRoot } from '@obs-automation/core';
import { readArchiveManifest } from '@obs-automation/latency-store';
import { parseJobId, type ReconstructedJobs } from './reconstructed-job.js';

/**
 * Each archive manifest line is written by a latency run that archived raw samples, apart from
 * the lines of `obs-latency compact-archives` (a command, not a job run: no log entry to rebuild).
 */
export async function jobsFromLatencyArchive(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  const read = await readArchiveManifest({ path: resolveAgainstRoot(root, manifest), label: manifest });
  for (const issue of read.issues) jobs.reject(`${manifest}:${issue.line}`, issue.message);
  for (const entry of read.entries) {
    if (entry.reason === 'compaction') continue;
    const parsed = parseJobId(entry.job_id);
    if (!parsed) {
      jobs.reject(`${manifest}:${entry.line}`, 'job_id is not a job id');
      continue;
    }
    jobs.add({
      jobId: entry.job_id,
      status: 'ok',
      at: parseTimestamp(entry.rotated_at) ?? parsed.startedAt,
      artefacts: [entry.path, manifest],
      sources: [manifest],
    });
  }
}

import { forEachJsonLine, resolveAgainstRoot } from '@obs-automation/core';
import { parseJobId, type ReconstructedJob, type ReconstructedJobs } from './reconstructed-job.js';

/** What a manifest line tells about the run that wrote it; its job id and source are added. */
export type RunOfLine = Omit<ReconstructedJob, 'jobId' | 'sources'>;

export interface LineReader {
  /** whether a line records a run at all (default: every line does) */
  recordsRun?: (value: Record<string, unknown>) => boolean;
  /** the run a line records; `startedAt` is the time its job id encodes */
  run: (value: Record<string, unknown>, startedAt: Date) => RunOfLine;
}

/**
 * Adds the run each line of a JSON-lines manifest (root-relative) records. A line that is not
 * JSON, or whose job_id is not a job id, is reported as not reconstructed.
 */
export async function jobsFromJsonLines(
  root: string,
  manifest: string,
  jobs: ReconstructedJobs,
  reader: LineReader,
): Promise<void> {
  await forEachJsonLine(
    resolveAgainstRoot(root, manifest),
    { shown: manifest },
    ({ line, value }) => {
      if (reader.recordsRun && !reader.recordsRun(value)) return;
      const jobId = typeof value.job_id === 'string' ? value.job_id : '';
      const parsed = parseJobId(jobId);
      if (!parsed) return jobs.reject(`${manifest}:${line}`, 'job_id is not a job id');
      jobs.add({ jobId, sources: [manifest], ...reader.run(value, parsed.startedAt) });
    },
    (line, reason) => jobs.reject(`${manifest}:${line}`, reason),
  );
}

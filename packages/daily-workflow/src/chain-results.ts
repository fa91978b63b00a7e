import type { ChainedJobName, JobStatus } from '@obs-automation/core';

/** One job's part in a chain run, as stdout shows it. */
export interface ChildResult {
  job: ChainedJobName;
  job_id: string;
  status: JobStatus;
  duration_ms: number;
  summary: Record<string, unknown>;
}

/** Why the chain stopped: a job ended error, or the chain was interrupted. */
export interface ChainStop {
  /** what the jobs not run are logged with */
  errorCode: 'upstream_failed' | 'interrupted';
  /** the job that ended error; absent when the chain was interrupted between two jobs */
  failed?: { job: ChainedJobName; jobId: string; errorCode: string };
  message: string;
}

export function diagnosticsOf(summary: Record<string, unknown>): Record<string, unknown> {
  const diagnostics = summary.diagnostics;
  return diagnostics && typeof diagnostics === 'object' ? (diagnostics as Record<string, unknown>) : {};
}

/** Skipped only because another run held the job's lock: that does not stop the chain. */
export function skippedByLock(result: ChildResult): boolean {
  return result.status === 'skipped' && diagnosticsOf(result.summary).error_code === 'lock_not_acquired';
}

import { appendRunLog, type JobContext, type RunLogEntry } from '@obs-automation/core';
import { type PlannedJob, plannedIdentity } from './chain-plan.js';
import type { ChainStop, ChildResult } from './chain-results.js';

/**
 * Records a job the chain did not run because an earlier one failed (or the chain was
 * interrupted): a `skipped` entry, in the log the job itself would have written to, with the id
 * it would have had, naming the job that stopped the chain.
 */
export async function recordNotRun(
  planned: PlannedJob,
  stop: ChainStop,
  context: JobContext,
): Promise<ChildResult> {
  const { common } = planned.invocation;
  const { jobName, jobId } = plannedIdentity(planned, context.now);
  const diagnostics = {
    error_code: stop.errorCode,
    error_message: stop.failed
      ? `not run: upstream job ${stop.failed.job} (${stop.failed.jobId}) ended error: ${stop.failed.errorCode}`
      : `not run: ${stop.message}`,
    ...(stop.failed ? { upstream_job: stop.failed.job, upstream_job_id: stop.failed.jobId } : {}),
  };
  const entry: Omit<RunLogEntry, 'sequence' | 'logged_at'> = {
    job_id: jobId,
    job_name: jobName,
    status: 'skipped',
    started_at: context.now.toISOString(),
    duration_ms: 0,
    attempts: 0,
    artefacts: [],
    alerts: [],
    diagnostics,
    parent_job_id: context.jobId,
    context: {
      commit_sha: context.commitSha,
      environment: context.environment,
      scheduler: context.scheduler,
    },
  };
  const logged = await appendRunLog(entry, {
    logFile: context.resolvePath(common.logFile),
    sequenceFile: context.resolvePath(common.sequenceFile),
    now: () => context.now,
  });
  return {
    job: planned.job.name,
    job_id: jobId,
    status: 'skipped',
    duration_ms: 0,
    summary: { status: 'skipped', job_id: jobId, job_name: jobName, sequence: logged.sequence, diagnostics },
  };
}

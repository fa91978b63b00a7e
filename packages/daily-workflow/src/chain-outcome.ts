import {
  EVENT_SEVERITY,
  type JobEvents,
  type JobOutcome,
  type JobStatus,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';
import type { ChainPlan } from './chain-plan.js';
import { type ChainStop, type ChildResult, skippedByLock } from './chain-results.js';

/** A chain is as bad as its worst job; a job skipped for its lock counts as a warning. */
function chainStatus(results: readonly ChildResult[]): Exclude<JobStatus, 'skipped' | 'error'> {
  if (results.some((result) => result.status === 'warning' || skippedByLock(result))) return 'warning';
  if (results.some((result) => result.status === 'dry_run')) return 'dry_run';
  return 'ok';
}

function artefactsOf(results: readonly ChildResult[]): string[] {
  const all = results.flatMap((result) => {
    const artefacts = result.summary.artefacts;
    return Array.isArray(artefacts)
      ? artefacts.filter((item): item is string => typeof item === 'string')
      : [];
  });
  return [...new Set(all)];
}

function stopDiagnostics(stop: ChainStop, results: readonly ChildResult[]): Record<string, unknown> {
  const notRun = results
    .filter((result) => result.status === 'skipped' && !skippedByLock(result))
    .map((r) => r.job);
  return {
    error_code: stop.errorCode === 'interrupted' ? 'interrupted' : 'job_failed',
    error_message: `${stop.message}${notRun.length > 0 ? `; not run: ${notRun.join(', ')}` : ''}`,
    ...(stop.failed
      ? {
          failed_job: stop.failed.job,
          failed_job_id: stop.failed.jobId,
          failed_error_code: stop.failed.errorCode,
        }
      : {}),
    not_run: notRun,
  };
}

/**
 * `chain_stopped` fires while a job's failure stops the chain (the failed job's own job_failed
 * says why, so the chain adds no job_failed of its own) and resolves on the next chain that runs
 * to its end. A chain interrupted between two jobs stops nothing: that is the chain's job_failed.
 */
function chainEvents(stop: ChainStop | null): JobEvents {
  if (!stop?.failed) return { evaluated: stop ? [] : ['chain_stopped'], firing: [] };
  return {
    evaluated: ['chain_stopped'],
    firing: [
      {
        event: 'chain_stopped',
        severity: EVENT_SEVERITY.chain_stopped,
        error_code: 'upstream_failed',
        message: `the obs-daily chain stopped at ${stop.failed.job} (${stop.failed.jobId}, ${stop.failed.errorCode}); not run after it`,
        evidence_path: WORKSPACE_LAYOUT.runLog,
      },
    ],
    failureReported: true,
  };
}

/**
 * The chain's own result: its status, the union of the jobs' artefacts, and `jobs` — every job's
 * full summary on stdout, only job, job_id, status and duration_ms in the log line.
 */
export function chainOutcome(
  results: readonly ChildResult[],
  stop: ChainStop | null,
  plan: ChainPlan,
): JobOutcome {
  const notSelected = plan.notRun.length > 0 ? { not_selected: plan.notRun } : {};
  const summary = { jobs: results, ...notSelected };
  const logSummary = {
    jobs: results.map(({ job, job_id, status, duration_ms }) => ({ job, job_id, status, duration_ms })),
    ...notSelected,
  };
  const artefacts = artefactsOf(results);
  if (stop) {
    return {
      status: 'error',
      artefacts,
      summary,
      logSummary,
      diagnostics: stopDiagnostics(stop, results),
      events: chainEvents(stop),
    };
  }
  if (results.length === 0) {
    return {
      status: 'warning',
      artefacts,
      summary,
      logSummary,
      diagnostics: { error_code: 'no_jobs', error_message: 'no job is enabled and selected; nothing ran' },
    };
  }
  const lockSkipped = results.filter(skippedByLock).map((result) => result.job);
  return {
    status: chainStatus(results),
    artefacts,
    summary,
    logSummary,
    diagnostics: lockSkipped.length > 0 ? { skipped_by_lock: lockSkipped } : {},
    events: chainEvents(null),
  };
}

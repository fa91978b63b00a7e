import {
  type CommandContext,
  clockSkewSeconds,
  EXIT_FAILED,
  EXIT_OK,
  type JobRunResult,
  makeJobId,
  orderedSummary,
  readWorkspaceHealth,
  type WorkspaceHealth,
} from '@obs-automation/core';
import type { StatusOptions } from './status-options.js';

/** Reads and judges the workspace once, at `now`. */
export function checkWorkspace(
  options: StatusOptions,
  context: CommandContext,
  now: Date,
): Promise<WorkspaceHealth> {
  return readWorkspaceHealth({
    root: context.common.root,
    now,
    jobs: options.jobs,
    staleAfterSeconds: Object.fromEntries(options.staleAfter.map((item) => [item.job, item.seconds])),
    skewSeconds: clockSkewSeconds(context.env),
    logFile: context.common.logFile,
    sequenceFile: context.common.sequenceFile,
    dashboardManifest: options.dashboardManifest,
  });
}

/**
 * The status document: the common summary fields (status `ok`: the check itself ran), then the
 * health model, whose verdict decides the exit code — 0 healthy, 1 something needs attention.
 */
export function statusResult(health: WorkspaceHealth, now: Date, startedMs: number): JobRunResult {
  const summary = orderedSummary({
    status: 'ok',
    job_id: makeJobId('status', now),
    job_name: 'status',
    duration_ms: Math.round(performance.now() - startedMs),
    artefacts: [],
    ...health,
    attention: health.findings.length,
    diagnostics: {},
  });
  return { exitCode: health.verdict === 'healthy' ? EXIT_OK : EXIT_FAILED, summary };
}

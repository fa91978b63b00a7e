import type { JobContext, JobOutcome } from '../job-definition.js';
import { errorMessageOf } from '../job-error.js';
import { recordFailure } from '../job-summary.js';
import type { EffectiveNotificationConfig } from './notification-config.js';
import type { CarriedAlert } from './notification-events.js';
import type { NotificationResult } from './notification-result.js';
import { notifyRun } from './notification-step.js';

export interface RunNotificationInput {
  /** the registry job, whose state file it is */
  job: string;
  jobId: string;
  /** a rehearsal: what would be sent is written down, nothing is sent or marked */
  dryRun: boolean;
  lockStaleSeconds: number;
  config: EffectiveNotificationConfig;
  /** the run log, relative to the root: the evidence of job_failed */
  runLog: string;
  carried?: readonly CarriedAlert[];
  context: Pick<JobContext, 'now' | 'signal' | 'resolvePath' | 'relativePath' | 'readSecret'>;
}

/** Runs the notification step for a run's outcome (or a run skipped for its lock). */
export async function runNotificationStep(
  input: RunNotificationInput,
  outcome: JobOutcome | 'skipped',
): Promise<NotificationResult | { failed: string }> {
  const { context } = input;
  try {
    return await notifyRun({
      job: input.job,
      jobId: input.jobId,
      dryRun: input.dryRun,
      lockStaleSeconds: input.lockStaleSeconds,
      now: context.now,
      config: input.config,
      outcome,
      evidencePath: input.runLog,
      ...(input.carried ? { carried: input.carried } : {}),
      abs: context.resolvePath,
      rel: context.relativePath,
      receiver: {
        jobId: input.jobId,
        delivery: input.config.config.delivery,
        readSecret: (name) => context.readSecret(name),
        signal: context.signal,
      },
    });
  } catch (error) {
    return { failed: errorMessageOf(error) };
  }
}

/** The summary fields every run carries about its notifications. */
function summaryFields(result: NotificationResult): Record<string, unknown> {
  const { pending: _listedInHeartbeat, firing: _keys, ...alertState } = result.alertState;
  return {
    notifications: result.reports,
    pending_alerts: result.pendingAlerts,
    alert_state: alertState,
    ...(result.dryRunNotifications === undefined
      ? {}
      : { dry_run_notifications: result.dryRunNotifications }),
  };
}

function notificationDiagnostics(
  diagnostics: Record<string, unknown>,
  result: NotificationResult,
  replaceError: boolean,
): Record<string, unknown> {
  let next = { ...diagnostics };
  if (result.warnings.length > 0) next.notification_warnings = result.warnings;
  // cleared while nobody could be told: recorded here, the run's earlier no_receiver said it
  if (result.closed.length > 0) next.notifications_closed_undelivered = result.closed;
  const { problem } = result;
  if (!problem) return next;
  if (replaceError) next = recordFailure(next, problem.code, problem.message);
  else next = { ...next, notification_error_code: problem.code, notification_error_message: problem.message };
  return next;
}

/**
 * The run after its notifications: delivery attempts added to the job's own, every delivery in
 * the summary, the pending count and alert state in the heartbeat. A notification with no
 * receiver makes an ok run `warning` (`no_receiver`); one that could not be delivered makes it
 * `warning` (`alert_delivery_failed`), or `error` for latency alerts as 20-latency.md says. A run
 * that already failed keeps its own error code and carries the notification's beside it.
 */
export function withNotifications(
  outcome: JobOutcome,
  result: NotificationResult | { failed: string },
): JobOutcome {
  if ('failed' in result) {
    return {
      ...outcome,
      diagnostics: {
        ...outcome.diagnostics,
        notification_warnings: [`notifications not processed: ${result.failed}`],
      },
    };
  }
  const { problem } = result;
  const raises = problem !== null && outcome.status !== 'error' && outcome.status !== 'dry_run';
  const status: JobOutcome['status'] = raises
    ? problem.error
      ? 'error'
      : 'warning'
    : outcome.status === 'ok' && result.warnings.length > 0
      ? 'warning'
      : outcome.status;
  const ownCode = typeof outcome.diagnostics?.error_code === 'string';
  return {
    ...outcome,
    status,
    artefacts: [
      ...outcome.artefacts,
      ...result.artefacts.filter((path) => !outcome.artefacts.includes(path)),
    ],
    // every delivery attempt of the run; a job that reports none of its own and sent no
    // notification still records its one run, as it always did
    attempts: (outcome.attempts ?? (result.attempts > 0 ? 0 : 1)) + result.attempts,
    diagnostics: notificationDiagnostics(
      outcome.diagnostics ?? {},
      result,
      raises && (problem.error || !ownCode),
    ),
    summary: { ...outcome.summary, ...summaryFields(result) },
    ...(outcome.logSummary
      ? { logSummary: { ...outcome.logSummary, pending_alerts: result.pendingAlerts } }
      : {}),
    heartbeat: { ...outcome.heartbeat, pending_alerts: result.pendingAlerts, alert_state: result.alertState },
  };
}

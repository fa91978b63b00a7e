import type { JobOutcome } from '../job-definition.js';
import { EVENT_SEVERITY, type EventCondition, type EventName } from './notification-events.js';
import { type NotificationState, pendingNotifications } from './notification-state.js';

/** What the harness needs to know of a run to decide the conditions it raises itself. */
export interface ObservedRun {
  job: string;
  jobId: string;
  /** the body's outcome, or `skipped` for a run that could not take the job lock */
  outcome: JobOutcome | 'skipped';
  /** the file named in job_failed notifications (the run log) */
  evidencePath: string;
  skippedRunsThreshold: number;
}

/** The conditions the harness itself evaluates for every job, added to what the job reported. */
export function observedEvents(
  run: ObservedRun,
  state: NotificationState,
): {
  evaluated: Set<EventName>;
  firing: EventCondition[];
  consecutiveSkipped: number;
} {
  const threshold = run.skippedRunsThreshold;
  if (run.outcome === 'skipped') {
    const consecutiveSkipped = state.consecutive_skipped + 1;
    const firing: EventCondition[] =
      consecutiveSkipped >= threshold
        ? [
            {
              event: 'job_skipped_repeatedly',
              severity: EVENT_SEVERITY.job_skipped_repeatedly,
              error_code: 'lock_not_acquired',
              message: `obs-${run.job} was skipped ${consecutiveSkipped} runs in a row: another run holds its lock (threshold ${threshold})`,
              evidence_path: run.evidencePath,
            },
          ]
        : [];
    return { evaluated: new Set(['job_skipped_repeatedly']), firing, consecutiveSkipped };
  }
  const { outcome } = run;
  const events = outcome.events;
  const evaluated = new Set<EventName>([
    ...(events?.evaluated ?? []),
    'job_failed',
    'job_skipped_repeatedly',
  ]);
  const firing = [...(events?.firing ?? [])];
  if (outcome.status === 'error' && !events?.failureReported) {
    const code = String(outcome.diagnostics?.error_code ?? 'internal_error');
    const message = String(outcome.diagnostics?.error_message ?? 'the run ended error');
    firing.push({
      event: 'job_failed',
      severity: EVENT_SEVERITY.job_failed,
      error_code: code,
      message: `obs-${run.job} run ${run.jobId} failed: ${code}: ${message}`,
      evidence_path: run.evidencePath,
    });
  }
  return { evaluated, firing, consecutiveSkipped: 0 };
}

/** Receivers failing notifications of this job, for the alert_delivery_failing condition. */
export function deliveryFailure(state: NotificationState): EventCondition | null {
  const waiting = pendingNotifications(state).filter(
    ({ alert, queued }) => alert.event !== 'alert_delivery_failing' && queued.failed.length > 0,
  );
  if (waiting.length === 0) return null;
  const receivers = [...new Set(waiting.flatMap(({ queued }) => queued.failed))];
  return {
    event: 'alert_delivery_failing',
    severity: EVENT_SEVERITY.alert_delivery_failing,
    error_code: 'alert_delivery_failed',
    message: `${waiting.length} notification(s) of obs-${waiting[0]?.queued.item.job} could not be delivered to ${receivers.join(', ')}: ${waiting[0]?.queued.last_error ?? ''}`,
    evidence_path: waiting[0]?.queued.item.evidence_path ?? '',
  };
}

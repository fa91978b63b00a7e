import {
  dedupKey,
  type EventCondition,
  type EventName,
  higherSeverity,
  runbookAnchor,
  severityRank,
} from './notification-events.js';
import type {
  AlertRecord,
  NotificationItem,
  NotificationState,
  QueuedNotification,
} from './notification-state.js';

export interface TransitionInput {
  job: string;
  jobId: string;
  now: Date;
  repeatIntervalMs: number;
  /** events this run looked at: a firing alert of one of them that is not in `firing` resolves */
  evaluated: ReadonlySet<EventName>;
  firing: readonly EventCondition[];
}

/** A condition as a firing notification of `job`'s run `jobId`, raised at `since`. */
export function conditionItem(
  condition: EventCondition,
  input: Pick<TransitionInput, 'job' | 'jobId'>,
  since: string,
): NotificationItem {
  return {
    id: condition.event,
    severity: condition.severity,
    status: 'firing',
    message: condition.message,
    evidence_path: condition.evidence_path,
    dedup_key: dedupKey(input.job, condition.event, condition.error_code),
    job: input.job,
    job_id: input.jobId,
    error_code: condition.error_code,
    runbook: runbookAnchor(condition.event),
    since,
    ...condition.latency,
  };
}

function queue(record: AlertRecord, item: NotificationItem, input: TransitionInput): QueuedNotification {
  const queued: QueuedNotification = {
    message_id: `${input.jobId}:${item.dedup_key}:${item.status}`,
    item,
    queued_at: input.now.toISOString(),
    delivered_to: [],
    failed: [],
    attempts: 0,
    last_error: null,
    pending_reason: null,
  };
  // A newer notification supersedes a waiting one of the same status: receivers want the current
  // state, and an alert that flaps while nobody can be told keeps at most a firing and a resolved.
  record.queue = [...record.queue.filter((entry) => entry.item.status !== item.status), queued];
  return queued;
}

/**
 * Alertmanager's lifecycle for one job's alerts: a condition that starts firing is notified at
 * once; while it fires it is notified again when its severity rises and every repeat interval
 * after a receiver last accepted it (never while one is still waiting); when a run that evaluated
 * it no longer sees it, it is notified once as `resolved`. Running again on the same conditions
 * and clock queues nothing. Returns the new state and what it queued.
 */
export function transitionAlerts(
  previous: NotificationState,
  input: TransitionInput,
): { state: NotificationState; queued: QueuedNotification[] } {
  const nowIso = input.now.toISOString();
  const alerts: AlertRecord[] = previous.alerts.map((alert) => ({ ...alert, queue: [...alert.queue] }));
  const queued: QueuedNotification[] = [];
  const firingKeys = new Set(
    input.firing.map((condition) => dedupKey(input.job, condition.event, condition.error_code)),
  );

  for (const record of alerts) {
    if (record.status !== 'firing' || firingKeys.has(record.key) || !input.evaluated.has(record.event))
      continue;
    record.status = 'resolved';
    record.resolved_at = nowIso;
    // Nobody was told it fired, and nobody is about to be: a resolved would announce a stranger.
    if (record.last_notified_at === null && !record.queue.some((entry) => entry.item.status === 'firing'))
      continue;
    const item: NotificationItem = {
      ...record.item,
      // routed like its highest severity, so whoever was paged learns that it cleared
      severity: record.peak_severity,
      status: 'resolved',
      job_id: input.jobId,
      message: `resolved: ${record.item.message}`,
    };
    record.item = item;
    queued.push(queue(record, item, input));
  }

  for (const condition of input.firing) {
    const key = dedupKey(input.job, condition.event, condition.error_code);
    let record = alerts.find((alert) => alert.key === key);
    if (!record || record.status === 'resolved') {
      const item = conditionItem(condition, input, nowIso);
      const fresh: AlertRecord = {
        key,
        event: condition.event,
        status: 'firing',
        severity: condition.severity,
        peak_severity: condition.severity,
        since: nowIso,
        resolved_at: null,
        last_notified_at: null,
        item,
        queue: record?.queue ?? [],
      };
      if (record) alerts[alerts.indexOf(record)] = fresh;
      else alerts.push(fresh);
      queued.push(queue(fresh, item, input));
      continue;
    }
    const item = conditionItem(condition, input, record.since);
    const rose = severityRank(condition.severity) > severityRank(record.severity);
    const waiting = record.queue.some((entry) => entry.item.status === 'firing');
    const lastNotified = record.last_notified_at ? Date.parse(record.last_notified_at) : Number.NaN;
    const repeatMs = condition.repeat_interval_ms ?? input.repeatIntervalMs;
    const repeatDue = !waiting && !(input.now.getTime() - lastNotified < repeatMs);
    record = Object.assign(record, {
      severity: condition.severity,
      peak_severity: higherSeverity(record.peak_severity, condition.severity),
      item,
    });
    if (rose || repeatDue) queued.push(queue(record, item, input));
  }

  return {
    state: {
      ...previous,
      alerts: alerts.filter((alert) => alert.status === 'firing' || alert.queue.length > 0),
    },
    queued,
  };
}

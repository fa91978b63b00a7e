import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { faultPoint } from '../fault-injection.js';
import { tryAcquireLock } from '../file-lock.js';
import type { JobOutcome } from '../job-definition.js';
import { errorMessageOf } from '../job-error.js';
import { WORKSPACE_LAYOUT } from '../workspace-layout.js';
import type { EffectiveNotificationConfig } from './notification-config.js';
import { type DeliveryReport, deliverQueued, receiversOf, settleQueue } from './notification-delivery.js';
import {
  type CarriedAlert,
  dedupKey,
  EVENT_SEVERITY,
  type EventCondition,
  type EventName,
  severityRank,
} from './notification-events.js';
import {
  type AlertRecord,
  emptyState,
  type NotificationState,
  pendingNotifications,
  readNotificationState,
  stateFileOf,
  writeNotificationState,
} from './notification-state.js';
import { conditionItem, transitionAlerts } from './notification-transitions.js';
import type { ReceiverContext } from './receiver-delivery.js';

/** How long a run waits for its job's notification state while a skipped run of it updates it. */
const STATE_LOCK_WAIT_MS = 10_000;
/** Latency alerts whose delivery failed keep 20-latency.md's rule: the run is `error`. */
const ERROR_ON_DELIVERY_FAILURE: ReadonlySet<EventName> = new Set(['latency_breach', 'latency_data_stale']);

export interface NotificationRun {
  /** the registry job the state belongs to, e.g. `weekly` */
  job: string;
  jobId: string;
  /** a rehearsal (the job's dry-run flag): nothing is sent or marked, whatever its status */
  dryRun: boolean;
  /** as the job lock's: a state lock left by a killed run is taken over after this long */
  lockStaleSeconds: number;
  now: Date;
  config: EffectiveNotificationConfig;
  /** the body's outcome, or `skipped` for a run that could not take the job lock */
  outcome: JobOutcome | 'skipped';
  /** the file named in job_failed notifications (the run log) */
  evidencePath: string;
  /** alerts an earlier release notified, taken in when the job has no state file yet */
  carried?: readonly CarriedAlert[];
  abs(path: string): string;
  rel(path: string): string;
  receiver: ReceiverContext;
}

/** What the notification step did, for the run's status, summary, log entry and heartbeat. */
export interface NotificationResult {
  reports: DeliveryReport[];
  attempts: number;
  /** the worst problem left: nothing, a notification with no receiver, or one not delivered */
  problem: {
    code: 'no_receiver' | 'alert_delivery_failed' | 'notification_state_failed';
    message: string;
    error: boolean;
  } | null;
  /** problems of the step itself (state unreadable, busy), reported as warnings */
  warnings: string[];
  artefacts: string[];
  /** the summary's and heartbeat's view of the job's alerts */
  pendingAlerts: number;
  alertState: Record<string, unknown>;
  /** dry run: the notifications that would have been sent */
  dryRunNotifications?: number;
}

/** The conditions the harness itself evaluates for every job, added to what the job reported. */
function observedEvents(
  run: NotificationRun,
  state: NotificationState,
): {
  evaluated: Set<EventName>;
  firing: EventCondition[];
  consecutiveSkipped: number;
} {
  const threshold = run.config.config.skipped_runs_threshold;
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

function transition(run: NotificationRun, state: NotificationState) {
  const observed = observedEvents(run, state);
  const result = transitionAlerts(state, {
    job: run.job,
    jobId: run.jobId,
    now: run.now,
    repeatIntervalMs: run.config.config.repeat_interval.ms,
    evaluated: observed.evaluated,
    firing: observed.firing,
  });
  return { ...result, state: { ...result.state, consecutive_skipped: observed.consecutiveSkipped } };
}

/** Receivers failing notifications of this job, for the alert_delivery_failing condition. */
function deliveryFailure(state: NotificationState): EventCondition | null {
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

function alertStateOf(
  state: NotificationState,
  config: EffectiveNotificationConfig,
): Record<string, unknown> {
  const firing = state.alerts.filter((alert) => alert.status === 'firing');
  const top = firing.reduce<(typeof firing)[number] | null>(
    (best, alert) => (!best || severityRank(alert.severity) > severityRank(best.severity) ? alert : best),
    null,
  );
  return {
    severity: top?.severity ?? 'none',
    alert_id: top?.event ?? null,
    since: top?.since ?? null,
    last_notified_at: top?.last_notified_at ?? null,
    dedup_key: top?.key ?? null,
    firing: firing.map((alert) => alert.key),
    pending: pendingNotifications(state).map(({ alert, queued }) => ({
      webhook:
        (queued.failed.length > 0 ? queued.failed : receiversOf(config, alert, queued)).join(', ') ||
        'no_receiver',
      alert: {
        id: queued.item.id,
        status: queued.item.status,
        severity: queued.item.severity,
        dedup_key: queued.item.dedup_key,
      },
      reason: queued.pending_reason,
      attempts: queued.attempts,
      queued_at: queued.queued_at,
      last_error: queued.last_error,
    })),
  };
}

function problemOf(state: NotificationState): NotificationResult['problem'] {
  const pending = pendingNotifications(state);
  const failed = pending.filter(({ queued }) => queued.pending_reason === 'alert_delivery_failed');
  const unrouted = pending.filter(({ queued }) => queued.pending_reason === 'no_receiver');
  const names = (list: typeof pending) =>
    list
      .map(({ queued }) => `${queued.item.dedup_key} (${queued.item.status}, ${queued.item.severity})`)
      .join(', ');
  if (failed.length > 0) {
    return {
      code: 'alert_delivery_failed',
      message: `${failed.length} notification(s) not delivered, kept for the next run: ${failed
        .map(({ queued }) => queued.last_error ?? queued.item.dedup_key)
        .join('; ')}${unrouted.length > 0 ? `; no receiver for ${names(unrouted)}` : ''}`,
      error: failed.some(({ alert }) => ERROR_ON_DELIVERY_FAILURE.has(alert.event)),
    };
  }
  if (unrouted.length > 0) {
    return {
      code: 'no_receiver',
      message: `no receiver is routed for ${names(unrouted)}: kept pending; add a receiver and route in notifications.yaml`,
      error: false,
    };
  }
  return null;
}

function resultOf(
  state: NotificationState,
  run: NotificationRun,
  reports: DeliveryReport[],
  warnings: string[],
): NotificationResult {
  return {
    reports,
    attempts: reports.reduce((sum, report) => sum + report.attempts, 0),
    problem: problemOf(state),
    warnings,
    artefacts: [],
    pendingAlerts: pendingNotifications(state).length,
    alertState: alertStateOf(state, run.config),
  };
}

/** A dry run: what would be sent goes to out/notifications/<job_id>.json; nothing is marked. */
async function rehearse(
  run: NotificationRun,
  state: NotificationState,
  warnings: string[],
): Promise<NotificationResult> {
  const { state: next, queued } = transition(run, state);
  const notifications = pendingNotifications(next).map(({ alert, queued: entry }) => ({
    receivers: receiversOf(run.config, alert, entry).filter((name) => !entry.delivered_to.includes(name)),
    new: queued.includes(entry),
    item: entry.item,
  }));
  const file = run.abs(join(WORKSPACE_LAYOUT.notificationDryRunDir, `${run.jobId}.json`));
  await writeFileAtomic(
    file,
    `${JSON.stringify({ job_id: run.jobId, job: run.job, notifications }, null, 2)}\n`,
  );
  return {
    // the state as it stands: a rehearsal changes nothing a later real run decides on
    ...resultOf(state, run, [], warnings),
    problem: null,
    artefacts: [run.rel(file)],
    dryRunNotifications: notifications.length,
  };
}

/** A carried-over alert as a firing record, already notified: its repeats and resolve go on. */
function carriedRecord(run: NotificationRun, carried: CarriedAlert): AlertRecord {
  const { condition } = carried;
  return {
    key: dedupKey(run.job, condition.event, condition.error_code),
    event: condition.event,
    status: 'firing',
    severity: condition.severity,
    peak_severity: condition.severity,
    since: carried.since,
    resolved_at: null,
    last_notified_at: carried.last_notified_at,
    item: conditionItem(condition, run, carried.since),
    queue: [],
  };
}

/**
 * The notification step of one run, between the body and the heartbeat: decide what changed,
 * persist it, deliver, persist what was delivered. The state is written before anything is sent
 * and again after each receiver, so a crash at any instant loses no state change and repeats at
 * most the one delivery in flight.
 */
export async function notifyRun(run: NotificationRun): Promise<NotificationResult> {
  const stateFile = run.abs(stateFileOf(run.config.config.state_dir, run.job));
  const shown = run.rel(stateFile);
  const warnings: string[] = [];
  /** a corrupt file is replaced even when the fresh state has nothing in it */
  let rewrite = false;
  const read = async () => {
    const result = await readNotificationState(stateFile, shown, run.job);
    if (result.kind === 'corrupt') {
      warnings.push(`notification state ${shown} is corrupt (${result.reason}); started afresh`);
      rewrite = true;
    }
    if (result.kind === 'missing' && run.carried && run.carried.length > 0)
      return { ...result.state, alerts: run.carried.map((alert) => carriedRecord(run, alert)) };
    return result.state;
  };
  if (run.dryRun || (run.outcome !== 'skipped' && run.outcome.status === 'dry_run'))
    return rehearse(run, await read(), warnings);

  const lock = await tryAcquireLock(`${stateFile}.lock`, {
    waitMs: run.outcome === 'skipped' ? 0 : STATE_LOCK_WAIT_MS,
    staleSeconds: run.lockStaleSeconds,
  });
  if (!lock) {
    warnings.push(
      `notification state ${shown} is busy (another run of obs-${run.job} is delivering); not updated by this run`,
    );
    return { ...resultOf(await read(), run, [], warnings), problem: null };
  }
  try {
    const previous = await read();
    // Written only when something changed: most runs of a healthy job leave the file alone.
    let saved = rewrite ? '' : JSON.stringify({ ...previous, updated_at: null });
    const save = async (state: NotificationState) => {
      const content = JSON.stringify({ ...state, updated_at: null });
      if (content === saved) return;
      await writeNotificationState(stateFile, { ...state, updated_at: run.now.toISOString() });
      saved = content;
    };
    let { state } = transition(run, previous);
    await save(state);
    faultPoint('notify:after-state-queue');
    const pass = { context: run.receiver, config: run.config, save, nowIso: run.now.toISOString() };
    // Interrupted: what changed is saved and waits for the next run; nothing is sent now.
    const settle = (current: NotificationState) => {
      const settled = settleQueue(current, run.config);
      for (const queued of settled.closed) {
        warnings.push(
          `closed ${queued.item.dedup_key} (${queued.item.status}) undelivered: it cleared while no receiver was routed for it`,
        );
      }
      return settled.state;
    };
    if (run.receiver.signal.aborted) return resultOf(settle(state), run, [], warnings);
    const reports = await deliverQueued(state, pass);
    state = settle(state);
    // Notifications that could not be delivered are themselves an alert, sent to the receivers that work.
    const failure = deliveryFailure(state);
    const again = transitionAlerts(state, {
      job: run.job,
      jobId: run.jobId,
      now: run.now,
      repeatIntervalMs: run.config.config.repeat_interval.ms,
      evaluated: new Set(['alert_delivery_failing']),
      firing: failure ? [failure] : [],
    });
    state = again.state;
    if (again.queued.length > 0) {
      await save(state);
      const only = new Set(again.queued.map((entry) => entry.message_id));
      reports.push(...(await deliverQueued(state, { ...pass, only })));
      state = settle(state);
    }
    await save(state);
    return resultOf(state, run, reports, warnings);
  } catch (error) {
    if (run.receiver.signal.aborted) throw error;
    // Whatever this run decided may be lost: the run fails rather than report it as notified.
    return {
      ...resultOf(emptyState(run.job), run, [], warnings),
      problem: {
        code: 'notification_state_failed',
        message: `notification state ${shown} could not be updated: ${errorMessageOf(error)}`,
        error: true,
      },
    };
  } finally {
    await lock.release();
  }
}

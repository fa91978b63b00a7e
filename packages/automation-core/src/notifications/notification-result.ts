import type { EffectiveNotificationConfig } from './notification-config.js';
import { type DeliveryReport, receiversOf } from './notification-delivery.js';
import { type EventName, severityRank } from './notification-events.js';
import { type NotificationState, pendingNotifications } from './notification-state.js';

/** Latency alerts whose delivery failed keep 20-latency.md's rule: the run is `error`. */
const ERROR_ON_DELIVERY_FAILURE: ReadonlySet<EventName> = new Set(['latency_breach', 'latency_data_stale']);

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
  /** notifications closed undelivered: nobody could receive them and their alert has cleared */
  closed: string[];
  artefacts: string[];
  /** the summary's and heartbeat's view of the job's alerts */
  pendingAlerts: number;
  alertState: Record<string, unknown>;
  /** dry run: the notifications that would have been sent */
  dryRunNotifications?: number;
}

/** The heartbeat's `alert_state`: the most severe firing alert, and every waiting notification. */
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

/** The result of a step that ends with `state` after these deliveries. */
export function resultOf(
  state: NotificationState,
  config: EffectiveNotificationConfig,
  reports: DeliveryReport[],
  notes: { warnings: string[]; closed: string[] },
): NotificationResult {
  return {
    reports,
    attempts: reports.reduce((sum, report) => sum + report.attempts, 0),
    problem: problemOf(state),
    warnings: notes.warnings,
    closed: notes.closed,
    artefacts: [],
    pendingAlerts: pendingNotifications(state).length,
    alertState: alertStateOf(state, config),
  };
}

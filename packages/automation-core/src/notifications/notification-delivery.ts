import { faultPoint } from '../fault-injection.js';
import { bundledSchemaPath, formatSchemaIssues, schemaValidator } from '../schema-validator.js';
import type { EffectiveNotificationConfig, ReceiverConfig } from './notification-config.js';
import { genericPayload } from './notification-payloads.js';
import { routeNotification } from './notification-routing.js';
import type { AlertRecord, NotificationState, QueuedNotification } from './notification-state.js';
import {
  type BatchEntry,
  type DeliveryAttempt,
  deliverToReceiver,
  type ReceiverContext,
} from './receiver-delivery.js';

/** One receiver's share of a run, as the summary lists it. */
export interface DeliveryReport {
  receiver: string;
  type: ReceiverConfig['type'];
  /** `<dedup_key>:<firing|resolved>` of each notification in the batch */
  notifications: string[];
  delivered: boolean;
  attempts: number;
  /** HTTP status or SMTP reply code of the last attempt */
  status_code: number | null;
  error_code?: string;
  error_message?: string;
}

/** Where the receivers a queued notification goes to are decided: the routes, now. */
export function receiversOf(
  config: EffectiveNotificationConfig,
  alert: AlertRecord,
  queued: QueuedNotification,
): string[] {
  return routeNotification(config, {
    job: queued.item.job,
    event: alert.event,
    severity: queued.item.severity,
  });
}

/**
 * Receivers with notifications waiting after a failure. An `alert_delivery_failing` notification
 * never goes to one of them: it is about them, and would only fail again.
 */
function failingReceivers(state: NotificationState): Set<string> {
  const failing = new Set<string>();
  for (const alert of state.alerts) {
    if (alert.event === 'alert_delivery_failing') continue;
    for (const queued of alert.queue) for (const name of queued.failed) failing.add(name);
  }
  return failing;
}

export function targetsOf(
  config: EffectiveNotificationConfig,
  alert: AlertRecord,
  queued: QueuedNotification,
  failing: ReadonlySet<string>,
): string[] {
  const routed = receiversOf(config, alert, queued);
  return alert.event === 'alert_delivery_failing' ? routed.filter((name) => !failing.has(name)) : routed;
}

export interface DeliveryPass {
  context: ReceiverContext;
  config: EffectiveNotificationConfig;
  /** persists the state after each receiver's outcome: a crash loses at most that delivery's record */
  save(state: NotificationState): Promise<void>;
  nowIso: string;
  /** only these notifications (message ids); default every queued one */
  only?: ReadonlySet<string>;
}

async function validated(jobId: string, entries: readonly BatchEntry[]): Promise<DeliveryAttempt | null> {
  const validate = await schemaValidator(bundledSchemaPath('notification.schema.json'));
  const issues = validate(
    genericPayload(
      jobId,
      entries.map((entry) => entry.item),
    ),
  );
  if (issues.length === 0) return null;
  return {
    ok: false,
    attempts: 0,
    statusCode: null,
    errorCode: 'schema_validation_failed',
    errorMessage: `notification payload does not match notification.schema.json: ${formatSchemaIssues(issues)}`,
  };
}

/**
 * Sends every queued notification to each receiver it is routed to and has not reached yet, one
 * batch per receiver. A receiver that accepts is recorded (and the alert's `last_notified_at`
 * moves); one that fails is recorded with the attempts and the error, to be retried next run.
 */
export async function deliverQueued(state: NotificationState, pass: DeliveryPass): Promise<DeliveryReport[]> {
  const reports: DeliveryReport[] = [];
  const failing = failingReceivers(state);
  for (const receiver of pass.config.receivers) {
    const batch = state.alerts.flatMap((alert) =>
      alert.queue
        .filter(
          (queued) =>
            (pass.only === undefined || pass.only.has(queued.message_id)) &&
            !queued.delivered_to.includes(receiver.name) &&
            targetsOf(pass.config, alert, queued, failing).includes(receiver.name),
        )
        .map((queued) => ({ alert, queued })),
    );
    if (batch.length === 0) continue;
    const entries: BatchEntry[] = batch.map(({ queued }) => ({
      messageId: queued.message_id,
      item: queued.item,
    }));
    pass.context.signal.throwIfAborted();
    const invalid = await validated(pass.context.jobId, entries);
    const { accepted, attempt } = invalid
      ? { accepted: [] as BatchEntry[], attempt: invalid }
      : await deliverToReceiver(receiver, entries, pass.context);
    if (accepted.length > 0) faultPoint('notify:after-send');
    for (const { alert, queued } of batch) {
      const ok = accepted.some((entry) => entry.messageId === queued.message_id);
      queued.failed = queued.failed.filter((name) => name !== receiver.name);
      if (ok) {
        queued.delivered_to.push(receiver.name);
        alert.last_notified_at = pass.nowIso;
      } else {
        queued.attempts += attempt.attempts;
        queued.failed.push(receiver.name);
        queued.last_error =
          `${receiver.name}: ${attempt.errorCode ?? 'not sent'}: ${attempt.errorMessage ?? ''}`.trim();
      }
    }
    await pass.save(state);
    if (accepted.length > 0) faultPoint('notify:after-delivery-record');
    reports.push({
      receiver: receiver.name,
      type: receiver.type,
      notifications: batch.map(({ queued }) => `${queued.item.dedup_key}:${queued.item.status}`),
      delivered: accepted.length === batch.length,
      attempts: attempt.attempts,
      status_code: attempt.statusCode,
      ...(attempt.ok ? {} : { error_code: attempt.errorCode, error_message: attempt.errorMessage }),
    });
  }
  return reports;
}

/**
 * Settles the queue after a pass: a notification every routed receiver accepted leaves it; one
 * with no receiver waits as `no_receiver` while its alert fires, one a receiver failed as
 * `alert_delivery_failed`. A notification nobody can receive about an alert that has already
 * cleared is closed (returned, for the run to report): nothing is left to act on, and keeping it
 * would fail every verification until a receiver is configured. Alerts that are resolved and
 * fully delivered leave the state.
 */
export function settleQueue(
  state: NotificationState,
  config: EffectiveNotificationConfig,
): { state: NotificationState; closed: QueuedNotification[] } {
  const failing = failingReceivers(state);
  const closed: QueuedNotification[] = [];
  const alerts = state.alerts.map((alert) => {
    const queue = alert.queue.flatMap((queued) => {
      const targets = targetsOf(config, alert, queued, failing);
      if (targets.length === 0) {
        // alert_delivery_failing goes only where a working route sends it: the notifications it
        // is about wait themselves and obs-verify names them.
        if (alert.event === 'alert_delivery_failing') return [];
        if (alert.status === 'resolved') {
          closed.push(queued);
          return [];
        }
        return [{ ...queued, pending_reason: 'no_receiver' } as QueuedNotification];
      }
      if (targets.every((name) => queued.delivered_to.includes(name))) return [];
      return [{ ...queued, pending_reason: 'alert_delivery_failed' } as QueuedNotification];
    });
    return { ...alert, queue };
  });
  return {
    state: {
      ...state,
      alerts: alerts.filter((alert) => alert.status === 'firing' || alert.queue.length > 0),
    },
    closed,
  };
}

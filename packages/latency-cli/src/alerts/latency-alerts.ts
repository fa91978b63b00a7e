import { join } from 'node:path';
import { type JobContext, type LogAlert, writeFileAtomic } from '@obs-automation/core';
import type { RollupRow } from '@obs-automation/latency-store';
import type { LatencyOptions } from '../latency-options.js';
import { type DeliveryReport, deliverPending } from './alert-delivery.js';
import { type AlertCondition, evaluateAlert } from './alert-evaluation.js';
import { genericPayload } from './alert-payloads.js';
import {
  type AlertNotification,
  type AlertState,
  boundQueue,
  enqueueNotifications,
  INITIAL_ALERT_STATE,
  type PendingDelivery,
  parseAlertState,
  transitionAlert,
} from './alert-state.js';

export interface AlertStepResult {
  condition: AlertCondition;
  /** the state for the heartbeat (unchanged by a dry run) */
  state: AlertState;
  notifications: AlertNotification[];
  reports: DeliveryReport[];
  /** the payload file a dry run wrote */
  dryRunFile: string | null;
  deliveryFailed: boolean;
  /** pending notifications for webhooks no longer in the config, dropped */
  unrouted: PendingDelivery[];
  /** the oldest notifications of a webhook with too many undelivered, dropped */
  overflow: PendingDelivery[];
  /** the raised alert, for the run log */
  logAlerts: LogAlert[];
  /** set when the heartbeat's alert state could not be read and alerting restarted from none */
  stateReset: boolean;
}

/**
 * Decides and delivers the alert notifications of this run. With --dry-run-alert nothing is sent
 * and the state is left as it was, so a later real run still notifies.
 */
export async function runAlertStep(
  rows: readonly RollupRow[],
  options: LatencyOptions,
  context: JobContext,
): Promise<AlertStepResult> {
  const config = options.alert;
  const previousRaw = context.previousHeartbeat?.alert_state;
  const parsed = parseAlertState(previousRaw);
  const previous = parsed ?? INITIAL_ALERT_STATE;
  const condition = evaluateAlert(rows, context.now.getTime(), options.window, config);
  const evidencePath = context.relativePath(options.rollupOutput);
  const transition = transitionAlert(previous, condition, {
    now: context.now,
    repeatIntervalMs: config.repeat_interval_minutes * 60_000,
    evidencePath,
    thresholdMs: config.slo_p95_ms,
  });
  const configured = new Set(config.webhooks.map((webhook) => webhook.name));
  const unrouted = transition.state.pending.filter((entry) => !configured.has(entry.webhook));
  const { kept: queue, dropped: overflow } = boundQueue(
    enqueueNotifications(
      transition.state.pending.filter((entry) => configured.has(entry.webhook)),
      transition.notifications,
      config.webhooks,
      { jobId: context.jobId, nowIso: context.now.toISOString() },
    ),
  );
  const logAlerts: LogAlert[] =
    condition.id && condition.severity !== 'none'
      ? [
          {
            id: condition.id,
            severity: condition.severity,
            message: condition.message,
            breach_range: condition.breachRange,
            evidence_path: evidencePath,
          },
        ]
      : [];
  const result: AlertStepResult = {
    condition,
    state: { ...transition.state, pending: queue },
    notifications: transition.notifications.map((item) => item.alert),
    reports: [],
    dryRunFile: null,
    deliveryFailed: false,
    unrouted,
    overflow,
    logAlerts,
    stateReset: previousRaw !== undefined && previousRaw !== null && parsed === null,
  };

  if (options.dryRunAlert) {
    // What this run decided, whether or not a webhook is configured to receive it.
    const alerts = distinctAlerts([...queue.map((entry) => entry.alert), ...result.notifications]);
    const file = join(context.resolvePath(options.alertsDir), `${context.jobId}.json`);
    await writeFileAtomic(file, `${JSON.stringify(genericPayload(context.jobId, alerts), null, 2)}\n`);
    return { ...result, state: previous, dryRunFile: file };
  }
  if (queue.length === 0) return result;
  context.checkpoint();
  const delivery = await deliverPending(queue, {
    jobId: context.jobId,
    config,
    readSecret: (name) => context.readSecret(name),
    signal: context.signal,
  });
  return {
    ...result,
    state: { ...transition.state, pending: delivery.remaining },
    reports: delivery.reports,
    deliveryFailed: delivery.remaining.length > 0,
  };
}

function distinctAlerts(alerts: readonly AlertNotification[]): AlertNotification[] {
  const byKey = new Map<string, AlertNotification>();
  for (const alert of alerts) byKey.set(`${alert.dedup_key}:${alert.status}`, alert);
  return [...byKey.values()];
}

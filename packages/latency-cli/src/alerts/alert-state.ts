import { compactUtcStamp } from '@obs-automation/core';
import { z } from 'zod';
import { SEVERITIES, type Severity, type WebhookConfig } from './alert-config.js';
import type { AlertCondition, AlertId } from './alert-evaluation.js';

const level = z.enum(['none', 'warning', 'critical']);
type Level = z.output<typeof level>;

const notificationSchema = z.object({
  id: z.enum(['latency_breach', 'latency_data_stale']),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  breach_range: z.object({ start: z.string(), end: z.string() }).nullable(),
  evidence_path: z.string(),
  p95_ms: z.number().nullable(),
  threshold_ms: z.number(),
  failure_rate: z.number().nullable(),
  breach_streak: z.number(),
  dedup_key: z.string(),
  status: z.enum(['firing', 'resolved']),
});

/** One alert as it goes out (the `alerts[]` item of the generic payload). */
export type AlertNotification = z.output<typeof notificationSchema>;

const pendingSchema = z.object({
  webhook: z.string(),
  alert: notificationSchema,
  /** webhook-id: stable across retries so receivers can deduplicate */
  message_id: z.string(),
  queued_at: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
});

/** A notification not yet delivered to one webhook. */
export type PendingDelivery = z.output<typeof pendingSchema>;

/**
 * What was last notified, kept in the heartbeat between runs: `since` is when the current alert
 * was raised, `dedup_key` is shared by its notifications from raise to resolve, and its
 * `resolved` goes wherever its highest severity (`peak_severity`) was sent.
 */
const alertStateSchema = z.object({
  severity: level,
  alert_id: notificationSchema.shape.id.nullable(),
  since: z.string().nullable(),
  last_notified_at: z.string().nullable(),
  dedup_key: z.string().nullable(),
  peak_severity: level.default('none'),
  pending: z.array(pendingSchema).default([]),
});

export type AlertState = z.output<typeof alertStateSchema>;

export const INITIAL_ALERT_STATE: AlertState = {
  severity: 'none',
  alert_id: null,
  since: null,
  last_notified_at: null,
  dedup_key: null,
  peak_severity: 'none',
  pending: [],
};

/** The state from a heartbeat; null when it is missing or unreadable (the caller starts afresh). */
export function parseAlertState(value: unknown): AlertState | null {
  if (value === undefined || value === null) return null;
  const parsed = alertStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const RANK: Record<Level, number> = { none: 0, warning: 1, critical: 2 };

export function severityRank(severity: Level): number {
  return RANK[severity];
}

/** A notification plus the severity that decides which webhooks receive it. */
export interface RoutedNotification {
  alert: AlertNotification;
  routeSeverity: Severity;
}

export interface AlertTransition {
  state: AlertState;
  notifications: RoutedNotification[];
}

export interface TransitionContext {
  now: Date;
  repeatIntervalMs: number;
  evidencePath: string;
  thresholdMs: number;
}

function notification(
  condition: AlertCondition,
  context: TransitionContext,
  fields: Pick<AlertNotification, 'id' | 'severity' | 'dedup_key' | 'status' | 'message' | 'breach_range'>,
): AlertNotification {
  return {
    ...fields,
    evidence_path: context.evidencePath,
    p95_ms: condition.window?.p95Ms ?? null,
    threshold_ms: context.thresholdMs,
    failure_rate: condition.window?.failureRate ?? null,
    breach_streak: condition.streak,
  };
}

/**
 * Compares what the data says now with what was notified before. Notifications go out when an
 * alert is raised or its severity rises, again every repeat interval while it stays raised, and
 * once as `resolved` when it clears (or gives way to a different alert). Running again on the
 * same data and clock changes nothing and notifies nothing.
 */
export function transitionAlert(
  previous: AlertState,
  condition: AlertCondition,
  context: TransitionContext,
): AlertTransition {
  const nowIso = context.now.toISOString();
  const notifications: RoutedNotification[] = [];
  let state: AlertState = { ...previous };
  const raised = condition.id !== null && condition.severity !== 'none';

  if (previous.severity !== 'none' && previous.alert_id && (!raised || condition.id !== previous.alert_id)) {
    notifications.push({
      alert: notification(condition, context, {
        id: previous.alert_id,
        severity: previous.severity,
        dedup_key: previous.dedup_key ?? '',
        status: 'resolved',
        message: `resolved: ${previous.alert_id} raised since ${previous.since} has cleared; ${condition.message}`,
        breach_range: { start: previous.since ?? nowIso, end: nowIso },
      }),
      routeSeverity: previous.peak_severity === 'none' ? previous.severity : previous.peak_severity,
    });
    state = { ...INITIAL_ALERT_STATE, pending: previous.pending };
  }
  if (!raised) return { state, notifications };

  const severity = condition.severity as Severity;
  const id = condition.id as AlertId;
  const firing = (dedupKey: string) =>
    notification(condition, context, {
      id,
      severity,
      dedup_key: dedupKey,
      status: 'firing',
      message: condition.message,
      breach_range: condition.breachRange,
    });
  if (state.severity === 'none') {
    const dedupKey = `obs-latency:${id}:${compactUtcStamp(context.now)}`;
    state = {
      severity,
      alert_id: id,
      since: nowIso,
      last_notified_at: nowIso,
      dedup_key: dedupKey,
      peak_severity: severity,
      pending: state.pending,
    };
    notifications.push({ alert: firing(dedupKey), routeSeverity: severity });
    return { state, notifications };
  }
  const dedupKey = state.dedup_key ?? `obs-latency:${id}:${compactUtcStamp(context.now)}`;
  const rose = severityRank(severity) > severityRank(state.severity);
  const lastNotified = state.last_notified_at ? Date.parse(state.last_notified_at) : Number.NaN;
  const repeatDue = !(context.now.getTime() - lastNotified < context.repeatIntervalMs);
  state = {
    ...state,
    severity,
    dedup_key: dedupKey,
    peak_severity:
      severityRank(severity) > severityRank(state.peak_severity) ? severity : state.peak_severity,
  };
  if (rose || repeatDue) {
    state.last_notified_at = nowIso;
    notifications.push({ alert: firing(dedupKey), routeSeverity: severity });
  }
  return { state, notifications };
}

/**
 * Queues notifications for every webhook whose min_severity they reach. A newer firing of the same
 * alert replaces an undelivered older one (the receiver wants the current state), while a
 * `resolved` is queued after it, so a receiver that was down still learns the alert happened.
 */
export function enqueueNotifications(
  pending: readonly PendingDelivery[],
  notifications: readonly RoutedNotification[],
  webhooks: readonly WebhookConfig[],
  origin: { jobId: string; nowIso: string },
): PendingDelivery[] {
  let queue = [...pending];
  for (const { alert, routeSeverity } of notifications) {
    for (const webhook of webhooks) {
      if (severityRank(routeSeverity) < severityRank(webhook.min_severity)) continue;
      queue = queue.filter(
        (entry) =>
          !(
            entry.webhook === webhook.name &&
            entry.alert.dedup_key === alert.dedup_key &&
            entry.alert.status === alert.status
          ),
      );
      queue.push({
        webhook: webhook.name,
        alert,
        message_id: `${origin.jobId}:${alert.id}:${alert.status}`,
        queued_at: origin.nowIso,
        attempts: 0,
        last_error: null,
      });
    }
  }
  return queue;
}

/** Undelivered notifications kept per webhook; a receiver that stays down loses the oldest first. */
export const MAX_PENDING_PER_WEBHOOK = 20;

/** Keeps the newest MAX_PENDING_PER_WEBHOOK entries of each webhook, in queue order. */
export function boundQueue(queue: readonly PendingDelivery[]): {
  kept: PendingDelivery[];
  dropped: PendingDelivery[];
} {
  const remaining = new Map<string, number>();
  for (const entry of queue) remaining.set(entry.webhook, (remaining.get(entry.webhook) ?? 0) + 1);
  const kept: PendingDelivery[] = [];
  const dropped: PendingDelivery[] = [];
  for (const entry of queue) {
    const left = remaining.get(entry.webhook) as number;
    remaining.set(entry.webhook, left - 1);
    (left > MAX_PENDING_PER_WEBHOOK ? dropped : kept).push(entry);
  }
  return { kept, dropped };
}

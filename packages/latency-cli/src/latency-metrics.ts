import {
  ALERT_SEVERITY_VALUES,
  finiteNumber,
  type JobMetricsInput,
  knownGauges,
  METRIC_FAMILIES,
  type MetricSample,
  unixSeconds,
} from '@obs-automation/core';

/**
 * The heartbeat field that counts notifications not yet accepted by a receiver: the one place
 * to change when the count moves to the notification state.
 */
export const PENDING_NOTIFICATIONS_FIELD = 'pending_alerts';

function severityValue(alertState: unknown): number | undefined {
  const severity = (alertState as { severity?: unknown } | null | undefined)?.severity;
  return typeof severity === 'string' && Object.hasOwn(ALERT_SEVERITY_VALUES, severity)
    ? ALERT_SEVERITY_VALUES[severity as keyof typeof ALERT_SEVERITY_VALUES]
    : undefined;
}

/**
 * The latest closed window's p95 and failure ratio, the breach streak, the raised alert's
 * severity and the pending notifications, from the run's summary and heartbeat fields. A run that
 * failed before computing them leaves the previous values in place.
 */
export function latencyMetrics({ summary, heartbeat }: JobMetricsInput): MetricSample[] {
  const p95Ms = finiteNumber(summary.latest_p95_ms);
  return knownGauges([
    [METRIC_FAMILIES.latencyP95, p95Ms === undefined ? undefined : p95Ms / 1000],
    [METRIC_FAMILIES.latencyFailureRatio, finiteNumber(summary.latest_failure_rate)],
    [METRIC_FAMILIES.latencyWindowStart, unixSeconds(summary.latest_window)],
    [METRIC_FAMILIES.latencyBreachStreak, finiteNumber(summary.breach_streak)],
    [METRIC_FAMILIES.alertSeverity, severityValue(summary.alert_state)],
    [METRIC_FAMILIES.notificationsPending, finiteNumber(heartbeat[PENDING_NOTIFICATIONS_FIELD])],
  ]);
}

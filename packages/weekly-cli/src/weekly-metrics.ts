import {
  type JobMetricsInput,
  knownGauges,
  METRIC_FAMILIES,
  type MetricSample,
  unixSeconds,
} from '@obs-automation/core';

const WEEK_START = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The start of the latest week delivered and the send time of the next report due, from the
 * heartbeat (carried over by every run).
 */
export function weeklyMetrics({ heartbeat }: JobMetricsInput): MetricSample[] {
  const weekStart = heartbeat.last_delivered_week_start;
  const delivered =
    typeof weekStart === 'string' && WEEK_START.test(weekStart)
      ? unixSeconds(`${weekStart}T00:00:00Z`)
      : undefined;
  return knownGauges([
    [METRIC_FAMILIES.weeklyLastDelivered, delivered],
    [METRIC_FAMILIES.weeklyNextDue, unixSeconds(heartbeat.next_due_at)],
  ]);
}

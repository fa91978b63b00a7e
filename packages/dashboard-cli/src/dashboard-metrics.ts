import {
  finiteNumber,
  type JobMetricsInput,
  knownGauges,
  METRIC_FAMILIES,
  type MetricSample,
} from '@obs-automation/core';

/** The sequence of the manifest the run wrote (none when the export failed before it). */
export function dashboardMetrics({ summary }: JobMetricsInput): MetricSample[] {
  return knownGauges([[METRIC_FAMILIES.dashboardManifestSequence, finiteNumber(summary.sequence)]]);
}

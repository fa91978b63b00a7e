import {
  finiteNumber,
  type JobMetricsInput,
  knownGauges,
  METRIC_FAMILIES,
  type MetricSample,
} from '@obs-automation/core';
import { SEQUENCE_CHECK } from './checks/sequence-check.js';

interface ReportedCheck {
  name?: unknown;
  status?: unknown;
  details?: { gap_count?: unknown };
}

/** The gaps the sequence check counted; none when it was skipped (no log) or the run failed before it. */
export function verifyMetrics({ summary }: JobMetricsInput): MetricSample[] {
  const checks = Array.isArray(summary.checks) ? (summary.checks as ReportedCheck[]) : [];
  const sequence = checks.find((check) => check.name === SEQUENCE_CHECK && check.status !== 'skip');
  return knownGauges([[METRIC_FAMILIES.logGaps, finiteNumber(sequence?.details?.gap_count)]]);
}

/**
 * Every metric family the jobs write to their Prometheus textfiles, once: node_exporter merges
 * the files of all jobs, so a family must have the same HELP and TYPE in each of them. Names
 * follow the Prometheus conventions: `obs_` prefix, base units (`_seconds`, `_ratio`), `_total`
 * only for counters, which the jobs carry over from their previous file. Every series has a
 * `job` label: the job name of the run (its run-log `job_name`).
 */
export interface MetricFamily {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
}

const gauge = (name: string, help: string): MetricFamily => ({ name, type: 'gauge', help });
const counter = (name: string, help: string): MetricFamily => ({ name, type: 'counter', help });

/** The numbers `obs_alert_severity` uses, written out in its HELP. */
export const ALERT_SEVERITY_VALUES = { none: 0, info: 1, warning: 2, critical: 3 } as const;

const SEVERITY_SCALE = Object.entries(ALERT_SEVERITY_VALUES)
  .map(([name, value]) => `${value} ${name}`)
  .join(', ');

export const METRIC_FAMILIES = {
  lastRun: gauge(
    'obs_job_last_run_timestamp_seconds',
    'Start (the run clock) of the latest run of the job, whatever its status, in Unix seconds.',
  ),
  lastSuccess: gauge(
    'obs_job_last_success_timestamp_seconds',
    'Start of the latest real run of the job that succeeded (status ok or warning; never a dry run), in Unix seconds. Absent until the first one.',
  ),
  lastDryRun: gauge(
    'obs_job_last_dry_run_timestamp_seconds',
    'Start of the latest dry run of the job, in Unix seconds. Absent until the first one.',
  ),
  lastStatus: gauge(
    'obs_job_last_status',
    'Status of the latest run of the job: 1 for its status, 0 for the others (ok, warning, error, skipped, dry_run).',
  ),
  lastWarning: gauge(
    'obs_job_last_warning',
    'Problem the latest real run of the job ended warning with, by its error code: 1 for that code, 0 for the codes of earlier runs (skipped and dry runs change nothing; a latency alert alone is not one).',
  ),
  duration: gauge(
    'obs_job_duration_seconds',
    'Duration of the latest run of the job as its run-log entry records it, in seconds.',
  ),
  attempts: gauge(
    'obs_job_attempts',
    'Attempts of the latest run of the job as its run-log entry records them (the weekly job counts webhook delivery attempts).',
  ),
  runs: counter('obs_job_runs_total', 'Runs of the job by status, since its metrics file was created.'),
  logSequence: gauge(
    'obs_run_log_sequence',
    'Sequence number of the run-log entry of the latest run of the job.',
  ),
  logSequenceRepairs: counter(
    'obs_run_log_sequence_repairs_total',
    'Run-log appends by the job that found the sequence file and the log disagreeing and wrote a sequence_gap entry.',
  ),
  logGaps: gauge(
    'obs_run_log_gaps',
    'Sequence gaps obs-verify found in the run log it checked on its latest run (0: numbering is contiguous).',
  ),
  latencyP95: gauge(
    'obs_latency_p95_seconds',
    'p95 signal latency of the latest closed rollup window, in seconds.',
  ),
  latencyFailureRatio: gauge(
    'obs_latency_failure_ratio',
    'Share of failed samples in the latest closed rollup window (0 to 1).',
  ),
  latencyWindowStart: gauge(
    'obs_latency_window_start_timestamp_seconds',
    'Start of the latest closed rollup window the latency figures describe, in Unix seconds.',
  ),
  latencyBreachStreak: gauge(
    'obs_latency_breach_streak',
    'Consecutive rollup windows breaching the latency SLO, up to the latest closed one.',
  ),
  alertSeverity: gauge('obs_alert_severity', `Severity of the alert the job has raised: ${SEVERITY_SCALE}.`),
  notificationsPending: gauge(
    'obs_notifications_pending',
    'Notifications of the job not yet accepted by their receiver, retried on its next run.',
  ),
  weeklyLastDelivered: gauge(
    'obs_weekly_last_delivered_week_start_timestamp_seconds',
    'Start (Monday 00:00 UTC) of the latest week whose report was delivered, in Unix seconds.',
  ),
  weeklyNextDue: gauge(
    'obs_weekly_next_due_timestamp_seconds',
    'Send time of the next weekly report not yet delivered, in Unix seconds; in the past while a report is overdue.',
  ),
  dashboardManifestSequence: gauge(
    'obs_dashboard_manifest_sequence',
    'Sequence number of the current dashboard bundle manifest.',
  ),
  recordedSamples: counter(
    'obs_latency_record_samples_total',
    'Latency samples obs-latency record appended to the raw file.',
  ),
  recordedRejects: counter(
    'obs_latency_record_rejected_rows_total',
    'Lines obs-latency record rejected (kept in the rejects file).',
  ),
} as const satisfies Record<string, MetricFamily>;

/** The families in the order a metrics file lists them. */
export const METRIC_FAMILY_LIST: readonly MetricFamily[] = Object.values(METRIC_FAMILIES);

/**
 * One series of a run: a gauge's value, or what a counter grows by; or `clear`, which sets every
 * series of the family the previous file carries to 0 (labels whose value changes from run to
 * run, such as an error code), before the samples after it.
 */
export type MetricSample =
  | { family: MetricFamily; labels?: Readonly<Record<string, string>>; value: number }
  | { family: MetricFamily; labels?: Readonly<Record<string, string>>; add: number }
  | { family: MetricFamily; clear: true };

/** What a job's own metrics are made from: its run's summary (status included) and heartbeat fields. */
export interface JobMetricsInput {
  summary: Readonly<Record<string, unknown>>;
  heartbeat: Readonly<Record<string, unknown>>;
}

/** A finite number, or undefined for anything else (a field a failed run did not fill). */
export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Unix seconds of an ISO-8601 text, or undefined when it is not one. */
export function unixSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** The gauge samples of the values that are known; an unknown one keeps the previous run's value. */
export function knownGauges(values: readonly [MetricFamily, number | undefined][]): MetricSample[] {
  return values.flatMap(([family, value]) => (value === undefined ? [] : [{ family, value }]));
}

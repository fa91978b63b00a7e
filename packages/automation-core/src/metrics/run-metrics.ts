import { join } from 'node:path';
import { errorMessageOf, type JobStatus } from '../job-error.js';
import { orderedSummary } from '../job-summary.js';
import { warningCodeOf } from '../run-warning.js';
import { finiteNumber, knownGauges, METRIC_FAMILIES, type MetricSample } from './metric-families.js';
import { metricsFileName, updateMetricsFile } from './metrics-file.js';

const STATUSES: readonly JobStatus[] = ['ok', 'warning', 'error', 'skipped', 'dry_run'];
/** A real success: what moves `obs_job_last_success_timestamp_seconds`. */
const SUCCESS_STATUSES: ReadonlySet<unknown> = new Set(['ok', 'warning']);

/**
 * The series every run writes, from its summary: when it ran and how it ended, how long it took,
 * its attempts and its run-log sequence. The last-success time moves only on a real success
 * and the last-dry-run time only on a dry run; otherwise the previous file's value stays.
 */
export function runSamples(summary: Readonly<Record<string, unknown>>, now: Date): MetricSample[] {
  const status = summary.status;
  const at = now.getTime() / 1000;
  const diagnostics = (summary.diagnostics ?? {}) as Record<string, unknown>;
  return [
    { family: METRIC_FAMILIES.lastRun, value: at },
    ...knownGauges([
      [METRIC_FAMILIES.lastSuccess, SUCCESS_STATUSES.has(status) ? at : undefined],
      [METRIC_FAMILIES.lastDryRun, status === 'dry_run' ? at : undefined],
      [METRIC_FAMILIES.duration, seconds(finiteNumber(summary.duration_ms))],
      [METRIC_FAMILIES.attempts, finiteNumber(summary.attempts)],
      [METRIC_FAMILIES.logSequence, finiteNumber(summary.log_sequence)],
    ]),
    ...STATUSES.flatMap((each): MetricSample[] => [
      { family: METRIC_FAMILIES.lastStatus, labels: { status: each }, value: each === status ? 1 : 0 },
      { family: METRIC_FAMILIES.runs, labels: { status: each }, add: each === status ? 1 : 0 },
    ]),
    { family: METRIC_FAMILIES.logSequenceRepairs, add: diagnostics.sequence_gap ? 1 : 0 },
    ...warningSamples(status, diagnostics),
  ];
}

/** A real run that was not skipped replaces the previous warning code with its own, if any. */
function warningSamples(status: unknown, diagnostics: Record<string, unknown>): MetricSample[] {
  if (status === 'skipped' || status === 'dry_run' || diagnostics.dry_run === true) return [];
  const code = warningCodeOf(status, diagnostics);
  const clear: MetricSample = { family: METRIC_FAMILIES.lastWarning, clear: true };
  return code ? [clear, { family: METRIC_FAMILIES.lastWarning, labels: { code }, value: 1 }] : [clear];
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

export interface RunMetricsRequest {
  /** the metrics folder (`--metrics-dir`), absolute */
  metricsDir: string;
  /** root-relative path for the summary and messages */
  relativePath(path: string): string;
  /** the run's job name: the file's name and every series' `job` label */
  jobName: string;
  /** the run's clock */
  now: Date;
  /** the job's own series from the run's summary (JobDefinition.metrics) */
  domain?: (summary: Readonly<Record<string, unknown>>) => readonly MetricSample[];
}

/**
 * Metrics never fail a run: a file that cannot be written makes an `ok` run `warning` with
 * `metrics_write_failed`; a run that already carries an error code keeps it, and the failure is
 * recorded beside it in `diagnostics.metrics_write_failed`.
 */
function withMetricsFailure(summary: Record<string, unknown>, message: string): Record<string, unknown> {
  const diagnostics = { ...(summary.diagnostics as Record<string, unknown> | undefined) };
  if (typeof diagnostics.error_code === 'string') {
    return { ...summary, diagnostics: { ...diagnostics, metrics_write_failed: message } };
  }
  return {
    ...summary,
    status: summary.status === 'ok' ? 'warning' : summary.status,
    diagnostics: { ...diagnostics, error_code: 'metrics_write_failed', error_message: message },
  };
}

/**
 * Replaces the run's Prometheus textfile (`<metrics dir>/obs_<job>.prom`) after its log entry is
 * written, so that the file carries the entry's sequence. Returns the summary with the file's
 * path, or with the warning when it could not be written.
 */
export async function recordRunMetrics(
  summary: Record<string, unknown>,
  request: RunMetricsRequest,
): Promise<Record<string, unknown>> {
  const file = join(request.metricsDir, metricsFileName(request.jobName));
  const shown = request.relativePath(file);
  try {
    const samples = [...runSamples(summary, request.now), ...(request.domain?.(summary) ?? [])];
    const { previousProblem } = await updateMetricsFile({ file, shown, job: request.jobName, samples });
    const diagnostics = previousProblem
      ? { ...(summary.diagnostics as Record<string, unknown>), metrics_previous_unreadable: previousProblem }
      : summary.diagnostics;
    return orderedSummary({ ...summary, metrics_file: shown, diagnostics });
  } catch (error) {
    return withMetricsFailure(summary, `cannot write metrics file ${shown}: ${errorMessageOf(error)}`);
  }
}

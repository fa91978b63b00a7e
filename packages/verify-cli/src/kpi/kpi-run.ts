import { type JobStatus, timestampMillis, warningCodeOf } from '@obs-automation/core';
import { type Delivery, deliveriesOf } from './entry-deliveries.js';

/** What the KPIs need of one run-log entry. */
export interface KpiRun {
  job: string;
  status: JobStatus;
  startedMs: number;
  /** null when the entry has no usable duration, or was reconstructed by rebuild-log */
  durationMs: number | null;
  /** `diagnostics.error_code`, null when there is none */
  errorCode: string | null;
  /** the problem of its own a real run ended `warning` with (ownWarningCode), else null */
  warningCode: string | null;
  deliveries: Delivery[];
  /** the SLO breach ranges of the latency alerts the entry carries */
  breaches: [number, number][];
}

export type ReadEntry =
  | { kind: 'run'; run: KpiRun }
  | { kind: 'sequence_repair' }
  | { kind: 'corrupt'; problem: string };

const STATUSES: ReadonlySet<unknown> = new Set(['ok', 'warning', 'error', 'skipped', 'dry_run']);

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function breachesOf(alerts: unknown): [number, number][] {
  if (!Array.isArray(alerts)) return [];
  const ranges: [number, number][] = [];
  for (const alert of alerts) {
    const { id, breach_range: range } = record(alert);
    if (id !== 'latency_breach') continue;
    const { start, end } = record(range);
    const startMs = typeof start === 'string' ? timestampMillis(start) : Number.NaN;
    const endMs = typeof end === 'string' ? timestampMillis(end) : Number.NaN;
    if (startMs < endMs) ranges.push([startMs, endMs]);
  }
  return ranges;
}

/**
 * Reads an entry for the KPIs. An entry without a job name, a known status or a readable
 * `started_at` cannot be attributed and counts as corrupt. The `sequence_gap` entries the run
 * log writes when it repairs its numbering (no sequence of their own) are not runs.
 */
export function readEntry(entry: Record<string, unknown>): ReadEntry {
  const diagnostics = record(entry.diagnostics);
  if (entry.sequence === undefined && diagnostics.error_code === 'sequence_gap')
    return { kind: 'sequence_repair' };
  const { job_name: job, status, started_at: startedAt } = entry;
  if (typeof job !== 'string' || job === '') return { kind: 'corrupt', problem: 'no job_name' };
  if (!STATUSES.has(status)) return { kind: 'corrupt', problem: 'no known status' };
  const startedMs = typeof startedAt === 'string' ? timestampMillis(startedAt) : Number.NaN;
  if (Number.isNaN(startedMs)) return { kind: 'corrupt', problem: 'no readable started_at' };
  const duration = entry.duration_ms;
  const errorCode = typeof diagnostics.error_code === 'string' ? diagnostics.error_code : null;
  return {
    kind: 'run',
    run: {
      job,
      status: status as JobStatus,
      startedMs,
      durationMs:
        typeof duration === 'number' &&
        Number.isFinite(duration) &&
        duration >= 0 &&
        diagnostics.reconstructed !== true
          ? duration
          : null,
      errorCode,
      warningCode: warningCodeOf(status, diagnostics),
      deliveries: deliveriesOf(entry.attempts, record(entry.summary)),
      breaches: breachesOf(entry.alerts),
    },
  };
}

import {
  buildHeartbeat,
  type HeartbeatRead,
  JOB_REGISTRY,
  type JobOutcome,
  parseTimestamp,
  type RegisteredJob,
  readHeartbeat,
} from '@obs-automation/core';
import { finiteOrNull, isJsonObject } from '../json-values.js';
import { type FreshnessVerdict, freshnessVerdict } from './freshness-verdict.js';
import type { LatencySlo } from './latency-view.js';

export interface HealthRow {
  job: string;
  binary: string;
  schedule: string;
  /** root-relative heartbeat path; null when the job keeps none */
  heartbeat: string | null;
  /** what the heartbeat read gave: ok, missing or corrupt; `this_export` for the dashboard itself */
  source: 'ok' | 'missing' | 'corrupt' | 'none' | 'this_export';
  lastRunAt: string | null;
  status: string | null;
  jobId: string | null;
  lastSuccessAt: string | null;
  verdict: FreshnessVerdict | null;
  lastErrorCode: string | null;
  lastErrorAt: string | null;
}

export interface PendingDeliveryView {
  webhook: string;
  alertId: string | null;
  status: string | null;
  attempts: number | null;
  queuedAt: string | null;
  lastError: string | null;
}

export interface AlertView {
  severity: string;
  alertId: string | null;
  since: string | null;
  lastNotifiedAt: string | null;
  breachStreak: number | null;
  lastBreachAt: string | null;
  pending: PendingDeliveryView[];
}

export interface HealthView {
  jobs: HealthRow[];
  /** null when the latency heartbeat is missing or unreadable */
  alert: AlertView | null;
}

/** The export writing the page, as its heartbeat will record it. */
export interface CurrentExport {
  jobId: string;
  now: Date;
  status: JobOutcome['status'];
  errorCode: string | null;
  previousHeartbeat: Record<string, unknown> | null;
  /** root-relative */
  heartbeatFile: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const instant = (value: unknown): string | null => {
  const parsed = typeof value === 'string' ? parseTimestamp(value) : null;
  return parsed ? parsed.toISOString() : null;
};

function rowFromHeartbeat(
  job: RegisteredJob,
  heartbeat: string | null,
  read: HeartbeatRead | null,
  now: Date,
  source: HealthRow['source'],
): HealthRow {
  const data = read?.kind === 'ok' ? read.data : {};
  const lastSuccessAt = instant(data.last_success_at);
  const failure = isJsonObject(data.last_failure) ? data.last_failure : {};
  return {
    job: job.name,
    binary: job.binary,
    schedule: job.schedule.description,
    heartbeat,
    source,
    lastRunAt: instant(data.generated_at),
    status: text(data.status),
    jobId: text(data.job_id),
    lastSuccessAt,
    verdict:
      heartbeat === null
        ? null
        : freshnessVerdict(lastSuccessAt ? new Date(lastSuccessAt) : null, now, job.schedule.periodSeconds),
    lastErrorCode: text(failure.error_code),
    lastErrorAt: instant(failure.at),
  };
}

function alertView(read: HeartbeatRead): AlertView | null {
  if (read.kind !== 'ok') return null;
  const state = isJsonObject(read.data.alert_state) ? read.data.alert_state : {};
  const pending = Array.isArray(state.pending) ? state.pending.filter(isJsonObject) : [];
  return {
    severity: text(state.severity) ?? 'none',
    alertId: text(state.alert_id),
    since: instant(state.since),
    lastNotifiedAt: instant(state.last_notified_at),
    breachStreak: finiteOrNull(read.data.breach_streak),
    lastBreachAt: instant(read.data.last_breach_at),
    pending: pending.map((item) => {
      const alert = isJsonObject(item.alert) ? item.alert : {};
      return {
        webhook: text(item.webhook) ?? '—',
        alertId: text(alert.id),
        status: text(alert.status),
        attempts: finiteOrNull(item.attempts),
        queuedAt: instant(item.queued_at),
        lastError: text(item.last_error),
      };
    }),
  };
}

/** The SLO obs-latency recorded in its heartbeat (`slo`), null when it has none. */
export function latencySlo(read: HeartbeatRead): LatencySlo | null {
  if (read.kind !== 'ok' || !isJsonObject(read.data.slo)) return null;
  const p95Ms = finiteOrNull(read.data.slo.p95_ms);
  if (p95Ms === null) return null;
  return {
    p95Ms,
    failureRateThreshold: finiteOrNull(read.data.slo.failure_rate_threshold),
    source: text(read.data.slo.alert_config),
  };
}

/**
 * Every job of the registry with what its heartbeat says; the dashboard's row describes the
 * export writing the page (as its heartbeat will record it, before the upload runs).
 */
export async function healthView(
  resolve: (rootRelative: string) => string,
  current: CurrentExport,
): Promise<{ health: HealthView; slo: LatencySlo | null }> {
  const jobs: HealthRow[] = [];
  let latencyRead: HeartbeatRead = { kind: 'missing' };
  for (const job of JOB_REGISTRY) {
    if (job.name === 'dashboard') {
      const outcome: JobOutcome = {
        status: current.status,
        artefacts: [],
        diagnostics: current.errorCode ? { error_code: current.errorCode } : {},
      };
      const previous: HeartbeatRead = current.previousHeartbeat
        ? { kind: 'ok', data: current.previousHeartbeat }
        : { kind: 'missing' };
      const data = buildHeartbeat(previous, outcome, current.jobId, current.now.toISOString());
      jobs.push(
        rowFromHeartbeat(job, current.heartbeatFile, { kind: 'ok', data }, current.now, 'this_export'),
      );
      continue;
    }
    if (job.heartbeatFile === null) {
      jobs.push(rowFromHeartbeat(job, null, null, current.now, 'none'));
      continue;
    }
    const read = await readHeartbeat(resolve(job.heartbeatFile));
    if (job.name === 'latency') latencyRead = read;
    jobs.push(rowFromHeartbeat(job, job.heartbeatFile, read, current.now, read.kind));
  }
  return { health: { jobs, alert: alertView(latencyRead) }, slo: latencySlo(latencyRead) };
}

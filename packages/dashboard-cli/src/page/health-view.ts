import {
  buildHeartbeat,
  clockSkewSeconds,
  type FreshnessState,
  type HeartbeatRead,
  type JobHealth,
  type JobOutcome,
  type LatencyHealth,
  readWorkspaceHealth,
} from '@obs-automation/core';
import type { LatencySlo } from './latency-view.js';

export interface HealthRow {
  job: string;
  binary: string;
  schedule: string;
  /** root-relative heartbeat path */
  heartbeat: string | null;
  /** what the heartbeat read gave: ok, missing or corrupt; `this_export` for the dashboard itself */
  source: 'ok' | 'missing' | 'corrupt' | 'this_export';
  lastRunAt: string | null;
  status: string | null;
  jobId: string | null;
  lastSuccessAt: string | null;
  verdict: FreshnessState;
  /** no real success, only dry runs */
  dryRunOnly: boolean;
  lastErrorCode: string | null;
  lastErrorAt: string | null;
  /** the code its newest real run ended `warning` with (the heartbeat's `last_warning`) */
  lastWarningCode: string | null;
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

function healthRow(job: JobHealth): HealthRow {
  return {
    job: job.job,
    binary: job.binary,
    schedule: job.schedule.description,
    heartbeat: job.heartbeat.file,
    source: job.heartbeat.state === 'given' ? 'this_export' : job.heartbeat.state,
    lastRunAt: job.last_run?.at ?? null,
    status: job.last_run?.status ?? null,
    jobId: job.last_run?.job_id ?? null,
    lastSuccessAt: job.last_success?.at ?? null,
    verdict: job.freshness,
    dryRunOnly: job.dry_run_only,
    lastErrorCode: job.last_error?.code ?? null,
    lastErrorAt: job.last_error?.at ?? null,
    lastWarningCode: job.last_warning?.code ?? null,
  };
}

function alertView(latency: LatencyHealth): AlertView {
  return {
    severity: latency.alert.severity,
    alertId: latency.alert.alert_id,
    since: latency.alert.since,
    lastNotifiedAt: latency.alert.last_notified_at,
    breachStreak: latency.breach_streak,
    lastBreachAt: latency.last_breach_at,
    pending: latency.pending_deliveries.map((item) => ({
      webhook: item.webhook ?? '—',
      alertId: item.alert_id,
      status: item.alert_status,
      attempts: item.attempts,
      queuedAt: item.queued_at,
      lastError: item.last_error,
    })),
  };
}

function latencySlo(latency: LatencyHealth | null): LatencySlo | null {
  if (!latency?.slo) return null;
  return {
    p95Ms: latency.slo.p95_ms,
    failureRateThreshold: latency.slo.failure_rate_threshold,
    source: latency.slo.source,
  };
}

/**
 * Every scheduled job of the registry as the shared health model judges it from its heartbeat
 * (the page is a snapshot of the bundle, so the run log is not read); the dashboard's row
 * describes the export writing the page, as its heartbeat will record it, before the upload runs.
 */
export async function healthView(
  root: string,
  current: CurrentExport,
): Promise<{ health: HealthView; slo: LatencySlo | null }> {
  const previous: HeartbeatRead = current.previousHeartbeat
    ? { kind: 'ok', data: current.previousHeartbeat }
    : { kind: 'missing' };
  const outcome: JobOutcome = {
    status: current.status,
    artefacts: [],
    diagnostics: current.errorCode ? { error_code: current.errorCode } : {},
  };
  const model = await readWorkspaceHealth({
    root,
    now: current.now,
    skewSeconds: clockSkewSeconds(),
    logFile: null,
    sequenceFile: null,
    dashboardManifest: null,
    heartbeatFiles: { dashboard: current.heartbeatFile },
    knownHeartbeats: {
      dashboard: {
        kind: 'ok',
        data: buildHeartbeat(previous, outcome, current.jobId, current.now.toISOString()),
      },
    },
  });
  return {
    health: { jobs: model.jobs.map(healthRow), alert: model.latency ? alertView(model.latency) : null },
    slo: latencySlo(model.latency),
  };
}

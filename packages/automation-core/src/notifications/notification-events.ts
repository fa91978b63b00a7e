/** Every event a job can notify about (docs/runbook.md has an escalation section for each). */
export const EVENT_NAMES = [
  'job_failed',
  'chain_stopped',
  'verification_failed',
  'job_skipped_repeatedly',
  'alert_delivery_failing',
  'latency_breach',
  'latency_data_stale',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export function higherSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** The severity an event fires with unless the job gives one (latency_breach: by breach streak). */
export const EVENT_SEVERITY: Record<EventName, Severity> = {
  job_failed: 'critical',
  chain_stopped: 'critical',
  verification_failed: 'critical',
  job_skipped_repeatedly: 'warning',
  alert_delivery_failing: 'warning',
  latency_breach: 'warning',
  latency_data_stale: 'warning',
};

/** Where docs/runbook.md says what to do about an event. */
export function runbookAnchor(event: EventName): string {
  return `docs/runbook.md#event-${event.replaceAll('_', '-')}`;
}

/** The latency SLO figures a latency alert carries (spec 20-latency, step 7). */
export interface LatencyFigures {
  breach_range: { start: string; end: string } | null;
  p95_ms: number | null;
  threshold_ms: number;
  failure_rate: number | null;
  breach_streak: number;
}

/**
 * A condition a run observed: firing now. Its dedup key is job + event + error code, so the same
 * failure keeps one key from firing to resolved, and a different error code is a different alert.
 */
export interface EventCondition {
  event: EventName;
  severity: Severity;
  /** the error code behind it (job_failed: the run's; others: their own) */
  error_code: string;
  message: string;
  /** the file that shows it, relative to the root */
  evidence_path: string;
  /** its own repeat interval instead of notifications.yaml's (latency_alert.yaml's repeat_interval_minutes) */
  repeat_interval_ms?: number;
  latency?: LatencyFigures;
}

/**
 * An alert an earlier release notified and kept elsewhere (obs-latency's heartbeat), taken into
 * a job's first notification state so that it is not notified again as new.
 */
export interface CarriedAlert {
  condition: EventCondition;
  since: string;
  last_notified_at: string;
}

/** What a job reports about events: which it evaluated this run, and which of them fire. */
export interface JobEvents {
  /** events this run looked at; any of them firing before and not in `firing` now resolves */
  evaluated: readonly EventName[];
  firing: readonly EventCondition[];
  /** the job's own events already tell about this run's failure: no job_failed on top */
  failureReported?: boolean;
}

export function dedupKey(job: string, event: EventName, errorCode: string): string {
  return `${job}:${event}:${errorCode}`;
}

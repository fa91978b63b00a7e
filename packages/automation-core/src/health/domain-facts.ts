import {
  finiteOrNull,
  isJsonObject,
  shownMessageOrNull,
  shownTextOrNull,
  timestampOrNull,
} from '../json-fields.js';

/**
 * The domain facts the health model reads from heartbeats. Each reader takes whatever fields it
 * finds and reads an absent or malformed one as unknown (null), so a heartbeat written by an
 * older or newer release still shows what it can. The fields, by heartbeat:
 *
 * - every job: `pending_notifications` — a count, or a list of the notifications not yet
 *   accepted by a receiver;
 * - latency: `alert_state` (`severity`, `alert_id`, `since`, `last_notified_at`, `pending`: a
 *   list of deliveries kept for the next run), `pending_alerts` (a count or a list),
 *   `breach_streak`, `last_breach_at`, `slo` (`p95_ms`, `failure_rate_threshold`,
 *   `alert_config`), `latest_window`, `latest_p95_ms`, `latest_failure_rate`;
 * - weekly: `last_delivered_week_start` (a date), `next_due_at` (the send time of the oldest week
 *   not delivered yet) and `next_due_week_start`, `last_webhook_status_code`.
 */

/** A count, or the length of a list; null for anything else. */
function countOf(value: unknown): number | null {
  if (Array.isArray(value)) return value.length;
  const count = finiteOrNull(value);
  return count !== null && count >= 0 ? Math.floor(count) : null;
}

/**
 * Notifications not yet accepted by a receiver, from whichever of the known fields the heartbeat
 * has (the largest count when several have one); null when it has none of them.
 */
export function pendingNotificationCount(data: Record<string, unknown>): number | null {
  const alertState = isJsonObject(data.alert_state) ? data.alert_state : {};
  const counts = [data.pending_notifications, data.pending_alerts, alertState.pending]
    .map(countOf)
    .filter((count): count is number => count !== null);
  return counts.length === 0 ? null : Math.max(...counts);
}

export interface PendingDelivery {
  webhook: string | null;
  alert_id: string | null;
  alert_status: string | null;
  attempts: number | null;
  queued_at: string | null;
  last_error: string | null;
}

export interface LatencyFacts {
  alert: {
    /** `none` when no alert is raised */
    severity: string;
    alert_id: string | null;
    since: string | null;
    last_notified_at: string | null;
  };
  breach_streak: number | null;
  last_breach_at: string | null;
  slo: { p95_ms: number; failure_rate_threshold: number | null; source: string | null } | null;
  latest: { window: string | null; p95_ms: number | null; failure_rate: number | null };
  /** the latest window's p95 against the SLO; null when either is unknown */
  p95_over_slo: boolean | null;
  pending_notifications: number | null;
  pending_deliveries: PendingDelivery[];
}

const isoOrNull = (value: unknown): string | null => timestampOrNull(value)?.toISOString() ?? null;

function pendingDelivery(item: Record<string, unknown>): PendingDelivery {
  const alert = isJsonObject(item.alert) ? item.alert : {};
  return {
    webhook: shownTextOrNull(item.webhook, 80),
    alert_id: shownTextOrNull(alert.id, 80),
    alert_status: shownTextOrNull(alert.status, 20),
    attempts: finiteOrNull(item.attempts),
    queued_at: isoOrNull(item.queued_at),
    last_error: shownMessageOrNull(item.last_error, 200),
  };
}

export function latencyFacts(data: Record<string, unknown>): LatencyFacts {
  const state = isJsonObject(data.alert_state) ? data.alert_state : {};
  const sloData = isJsonObject(data.slo) ? data.slo : {};
  const sloP95 = finiteOrNull(sloData.p95_ms);
  const latestP95 = finiteOrNull(data.latest_p95_ms);
  return {
    alert: {
      severity: shownTextOrNull(state.severity, 20) ?? 'none',
      alert_id: shownTextOrNull(state.alert_id, 80),
      since: isoOrNull(state.since),
      last_notified_at: isoOrNull(state.last_notified_at),
    },
    breach_streak: finiteOrNull(data.breach_streak),
    last_breach_at: isoOrNull(data.last_breach_at),
    slo:
      sloP95 === null
        ? null
        : {
            p95_ms: sloP95,
            failure_rate_threshold: finiteOrNull(sloData.failure_rate_threshold),
            source: shownTextOrNull(sloData.alert_config, 200),
          },
    latest: {
      window: isoOrNull(data.latest_window),
      p95_ms: latestP95,
      failure_rate: finiteOrNull(data.latest_failure_rate),
    },
    p95_over_slo: sloP95 === null || latestP95 === null ? null : latestP95 > sloP95,
    pending_notifications: pendingNotificationCount(data),
    pending_deliveries: (Array.isArray(state.pending) ? state.pending : [])
      .filter(isJsonObject)
      .map(pendingDelivery),
  };
}

export interface WeeklyFacts {
  last_delivered_week_start: string | null;
  /** the send time of the oldest week not delivered yet (of the next week when all are) */
  next_due_at: string | null;
  next_due_week_start: string | null;
  last_webhook_status_code: number | null;
}

const WEEK_START = /^\d{4}-\d{2}-\d{2}$/;

const weekStartOrNull = (value: unknown) =>
  typeof value === 'string' && WEEK_START.test(value) ? value : null;

export function weeklyFacts(data: Record<string, unknown>): WeeklyFacts {
  return {
    last_delivered_week_start: weekStartOrNull(data.last_delivered_week_start),
    next_due_at: isoOrNull(data.next_due_at),
    next_due_week_start: weekStartOrNull(data.next_due_week_start),
    last_webhook_status_code: finiteOrNull(data.last_webhook_status_code),
  };
}

export interface DashboardBundleFacts {
  sequence: number | null;
  generated_at: string | null;
  job_id: string | null;
  page: string | null;
}

/** The current bundle as its manifest describes it. */
export function dashboardBundleFacts(manifest: Record<string, unknown>): DashboardBundleFacts {
  const page = isJsonObject(manifest.page) ? manifest.page : {};
  return {
    sequence: Number.isSafeInteger(manifest.sequence) ? (manifest.sequence as number) : null,
    generated_at: isoOrNull(manifest.generated_at),
    job_id: shownTextOrNull(manifest.job_id, 80),
    page: shownTextOrNull(page.path, 200),
  };
}

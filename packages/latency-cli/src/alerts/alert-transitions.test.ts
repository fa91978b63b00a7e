import type { RollupRow } from '@obs-automation/latency-store';
import { describe, expect, it } from 'vitest';
import { applyBreachStreaks } from '../rollup/breach.js';
import { type AlertConfig, alertConfigSchema } from './alert-config.js';
import { evaluateAlert } from './alert-evaluation.js';
import {
  type AlertState,
  boundQueue,
  enqueueNotifications,
  INITIAL_ALERT_STATE,
  MAX_PENDING_PER_WEBHOOK,
  transitionAlert,
} from './alert-state.js';

const HOUR = 3_600_000;
const WINDOW = { ms: HOUR, text: '1h' };
const T0 = Date.parse('2026-07-06T00:00:00Z');
const config: AlertConfig = alertConfigSchema.parse({ repeat_interval_minutes: 240 });

/** Hourly rollup rows from T0; a null p95 leaves the hour without samples. */
function rollup(p95s: (number | null)[]): RollupRow[] {
  const rows: RollupRow[] = [];
  p95s.forEach((p95, hour) => {
    if (p95 === null) return;
    rows.push({
      startMs: T0 + hour * HOUR,
      endMs: T0 + (hour + 1) * HOUR,
      count: 10,
      failureCount: 0,
      failureRate: 0,
      p50Ms: p95 / 2,
      p95Ms: p95,
      p99Ms: p95,
      maxMs: p95,
      breachFlag: false,
      breachStreak: 0,
    });
  });
  applyBreachStreaks(rows, {
    sloP95Ms: config.slo_p95_ms,
    failureRateThreshold: config.failure_rate_threshold,
  });
  return rows;
}

/** One job run at `minutes` after T0 on the given hourly data. */
function run(state: AlertState, p95s: (number | null)[], minutes: number) {
  const now = new Date(T0 + minutes * 60_000);
  const condition = evaluateAlert(rollup(p95s), now.getTime(), WINDOW, config);
  return transitionAlert(state, condition, {
    now,
    repeatIntervalMs: config.repeat_interval_minutes * 60_000,
    evidencePath: 'ops/signal_latency_rollup.csv',
    thresholdMs: config.slo_p95_ms,
  });
}

const sent = (result: ReturnType<typeof run>) =>
  result.notifications.map(({ alert }) => `${alert.id}:${alert.severity}:${alert.status}`);

describe('latency alert transitions', () => {
  it('goes none → warning → critical → resolved over a three-hour breach', () => {
    const ok = 100;
    const bad = 9000;
    const data = [ok, bad, bad, bad, ok];
    let result = run(INITIAL_ALERT_STATE, data.slice(0, 3), 2 * 60 + 5);
    expect(sent(result)).toEqual([]);
    expect(result.state.severity).toBe('none');

    result = run(result.state, data.slice(0, 4), 3 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:warning:firing']);
    const dedupKey = result.state.dedup_key;
    expect(result.state).toMatchObject({ severity: 'warning', since: '2026-07-06T03:05:00.000Z' });

    result = run(result.state, data.slice(0, 5), 4 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    expect(result.notifications[0]?.alert).toMatchObject({
      dedup_key: dedupKey,
      breach_streak: 3,
      p95_ms: bad,
      threshold_ms: 5000,
      breach_range: { start: '2026-07-06T01:00:00Z', end: '2026-07-06T04:00:00Z' },
    });

    result = run(result.state, [...data, ok], 5 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:resolved']);
    expect(result.notifications[0]?.alert.dedup_key).toBe(dedupKey);
    expect(result.notifications[0]?.routeSeverity).toBe('critical');
    expect(result.state).toMatchObject({ severity: 'none', dedup_key: null });
  });

  it('does not notify again on a re-run with unchanged data and clock', () => {
    const data = [9000, 9000, 9000];
    const first = run(INITIAL_ALERT_STATE, data, 3 * 60 + 5);
    expect(sent(first)).toEqual(['latency_breach:critical:firing']);
    const again = run(first.state, data, 3 * 60 + 5);
    expect(sent(again)).toEqual([]);
    expect(again.state).toEqual(first.state);
  });

  it('repeats every repeat_interval_minutes while the alert stays raised', () => {
    const bad = Array.from({ length: 12 }, () => 9000);
    let result = run(INITIAL_ALERT_STATE, bad.slice(0, 3), 3 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    for (const minutes of [4 * 60 + 5, 5 * 60 + 5, 6 * 60 + 5]) {
      result = run(result.state, bad.slice(0, Math.floor(minutes / 60)), minutes);
      expect(sent(result)).toEqual([]);
    }
    result = run(result.state, bad.slice(0, 7), 7 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    expect(result.state.last_notified_at).toBe('2026-07-06T07:05:00.000Z');
  });

  it('raises latency_data_stale when no window ended in the last two windows, and resolves it on fresh data', () => {
    const stale = run(INITIAL_ALERT_STATE, [100], 4 * 60);
    expect(sent(stale)).toEqual(['latency_data_stale:warning:firing']);
    const fresh = run(stale.state, [100, null, null, null, 100], 5 * 60 + 5);
    expect(sent(fresh)).toEqual(['latency_data_stale:warning:resolved']);
  });

  it('resolves one alert and raises the other when a breach turns into stale data', () => {
    const breach = run(INITIAL_ALERT_STATE, [9000, 9000], 2 * 60 + 5);
    expect(sent(breach)).toEqual(['latency_breach:warning:firing']);
    const stale = run(breach.state, [9000, 9000], 5 * 60);
    expect(sent(stale)).toEqual(['latency_breach:warning:resolved', 'latency_data_stale:warning:firing']);
    expect(stale.state.alert_id).toBe('latency_data_stale');
  });

  it('judges the latest window that ended, not the one still filling up', () => {
    const result = run(INITIAL_ALERT_STATE, [9000, 9000, 100], 2 * 60 + 30);
    expect(sent(result)).toEqual(['latency_breach:warning:firing']);
  });
});

describe('notification queue', () => {
  const webhooks = [
    { name: 'ops', url_env: 'OPS_URL', format: 'generic' as const, min_severity: 'warning' as const },
    {
      name: 'pager',
      url_env: 'PD_URL',
      secret_env: 'PD_KEY',
      format: 'pagerduty' as const,
      min_severity: 'critical' as const,
    },
  ];

  it('routes by min_severity and lets a newer firing replace an undelivered one', () => {
    const warning = run(INITIAL_ALERT_STATE, [9000, 9000], 2 * 60 + 5);
    let queue = enqueueNotifications([], warning.notifications, webhooks, { jobId: 'j1', nowIso: 'now' });
    expect(queue.map((entry) => `${entry.webhook}:${entry.alert.severity}`)).toEqual(['ops:warning']);
    const critical = run(warning.state, [9000, 9000, 9000], 3 * 60 + 5);
    queue = enqueueNotifications(queue, critical.notifications, webhooks, { jobId: 'j2', nowIso: 'now' });
    expect(queue.map((entry) => `${entry.webhook}:${entry.alert.severity}:${entry.message_id}`)).toEqual([
      'ops:critical:j2:latency_breach:firing',
      'pager:critical:j2:latency_breach:firing',
    ]);
    const resolved = run(critical.state, [9000, 9000, 9000, 100], 4 * 60 + 5);
    queue = enqueueNotifications(queue, resolved.notifications, webhooks, { jobId: 'j3', nowIso: 'now' });
    expect(queue.map((entry) => `${entry.webhook}:${entry.alert.status}`)).toEqual([
      'ops:firing',
      'pager:firing',
      'ops:resolved',
      'pager:resolved',
    ]);
  });

  it('keeps at most MAX_PENDING_PER_WEBHOOK undelivered notifications per webhook, dropping the oldest', () => {
    const firing = run(INITIAL_ALERT_STATE, [9000, 9000], 2 * 60 + 5).notifications;
    const entries = Array.from({ length: MAX_PENDING_PER_WEBHOOK + 3 }, (_, index) =>
      enqueueNotifications([], firing, webhooks, { jobId: `job-${index}`, nowIso: 'now' }),
    ).flat();
    const { kept, dropped } = boundQueue(entries);
    expect(kept).toHaveLength(MAX_PENDING_PER_WEBHOOK);
    expect(dropped.map((entry) => entry.message_id)).toEqual(
      [0, 1, 2].map((index) => `job-${index}:latency_breach:firing`),
    );
    expect(kept[0]?.message_id).toBe('job-3:latency_breach:firing');
  });
});

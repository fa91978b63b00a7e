import { type NotificationState, transitionAlerts } from '@obs-automation/core';
import { emptyState } from '@obs-automation/core/notification-state';
import type { RollupRow } from '@obs-automation/latency-store';
import { describe, expect, it } from 'vitest';
import { applyBreachStreaks } from '../rollup/breach.js';
import { type AlertConfig, alertConfigSchema } from './alert-config.js';
import { evaluateAlert } from './alert-evaluation.js';
import { latencyEventCondition } from './latency-alerts.js';

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

const INITIAL: NotificationState = emptyState('latency');

/** One job run at `minutes` after T0 on the given hourly data, through the notification lifecycle. */
function run(state: NotificationState, p95s: (number | null)[], minutes: number) {
  const now = new Date(T0 + minutes * 60_000);
  const condition = evaluateAlert(rollup(p95s), now.getTime(), WINDOW, config);
  const raised = latencyEventCondition(condition, config, 'ops/signal_latency_rollup.csv');
  const result = transitionAlerts(state, {
    job: 'latency',
    jobId: `${now.toISOString().replace(/[-:]|\.000/g, '')}-latency`,
    now,
    repeatIntervalMs: (config.repeat_interval_minutes ?? 240) * 60_000,
    evaluated: new Set(['latency_breach', 'latency_data_stale']),
    firing: raised ? [raised] : [],
  });
  // every queued notification is accepted, as by a receiver that is up
  for (const alert of result.state.alerts) {
    if (alert.queue.length > 0) alert.last_notified_at = now.toISOString();
    alert.queue = [];
  }
  return {
    state: { ...result.state, alerts: result.state.alerts.filter((a) => a.status === 'firing') },
    notifications: result.queued,
  };
}

const sent = (result: ReturnType<typeof run>) =>
  result.notifications.map(({ item }) => `${item.id}:${item.severity}:${item.status}`);

const firingOf = (state: NotificationState) => state.alerts.find((alert) => alert.status === 'firing');

describe('latency alert transitions', () => {
  it('goes none → warning → critical → resolved over a three-hour breach', () => {
    const ok = 100;
    const bad = 9000;
    const data = [ok, bad, bad, bad, ok];
    let result = run(INITIAL, data.slice(0, 3), 2 * 60 + 5);
    expect(sent(result)).toEqual([]);
    expect(firingOf(result.state)).toBeUndefined();

    result = run(result.state, data.slice(0, 4), 3 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:warning:firing']);
    const dedupKey = firingOf(result.state)?.key;
    expect(dedupKey).toBe('latency:latency_breach:slo_breach');
    expect(firingOf(result.state)).toMatchObject({ severity: 'warning', since: '2026-07-06T03:05:00.000Z' });

    result = run(result.state, data.slice(0, 5), 4 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    expect(result.notifications[0]?.item).toMatchObject({
      dedup_key: dedupKey,
      breach_streak: 3,
      p95_ms: bad,
      threshold_ms: 5000,
      breach_range: { start: '2026-07-06T01:00:00Z', end: '2026-07-06T04:00:00Z' },
    });

    result = run(result.state, [...data, ok], 5 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:resolved']);
    expect(result.notifications[0]?.item.dedup_key).toBe(dedupKey);
    expect(result.notifications[0]?.item.severity).toBe('critical');
    expect(firingOf(result.state)).toBeUndefined();
  });

  it('does not notify again on a re-run with unchanged data and clock', () => {
    const data = [9000, 9000, 9000];
    const first = run(INITIAL, data, 3 * 60 + 5);
    expect(sent(first)).toEqual(['latency_breach:critical:firing']);
    const again = run(first.state, data, 3 * 60 + 5);
    expect(sent(again)).toEqual([]);
    expect(again.state.alerts).toEqual(first.state.alerts);
  });

  it('repeats every repeat_interval_minutes while the alert stays raised', () => {
    const bad = Array.from({ length: 12 }, () => 9000);
    let result = run(INITIAL, bad.slice(0, 3), 3 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    for (const minutes of [4 * 60 + 5, 5 * 60 + 5, 6 * 60 + 5]) {
      result = run(result.state, bad.slice(0, Math.floor(minutes / 60)), minutes);
      expect(sent(result)).toEqual([]);
    }
    result = run(result.state, bad.slice(0, 7), 7 * 60 + 5);
    expect(sent(result)).toEqual(['latency_breach:critical:firing']);
    expect(firingOf(result.state)?.last_notified_at).toBe('2026-07-06T07:05:00.000Z');
  });

  it('raises latency_data_stale when no window ended in the last two windows, and resolves it on fresh data', () => {
    const stale = run(INITIAL, [100], 4 * 60);
    expect(sent(stale)).toEqual(['latency_data_stale:warning:firing']);
    const fresh = run(stale.state, [100, null, null, null, 100], 5 * 60 + 5);
    expect(sent(fresh)).toEqual(['latency_data_stale:warning:resolved']);
  });

  it('resolves one alert and raises the other when a breach turns into stale data', () => {
    const breach = run(INITIAL, [9000, 9000], 2 * 60 + 5);
    expect(sent(breach)).toEqual(['latency_breach:warning:firing']);
    const stale = run(breach.state, [9000, 9000], 5 * 60);
    expect(sent(stale)).toEqual(['latency_breach:warning:resolved', 'latency_data_stale:warning:firing']);
    expect(firingOf(stale.state)?.event).toBe('latency_data_stale');
  });

  it('judges the latest window that ended, not the one still filling up', () => {
    const result = run(INITIAL, [9000, 9000, 100], 2 * 60 + 30);
    expect(sent(result)).toEqual(['latency_breach:warning:firing']);
  });
});

import { describe, expect, it } from 'vitest';
import { type EffectiveNotificationConfig, notificationConfigSchema } from './notification-config.js';
import { routeNotification } from './notification-routing.js';

function routing(document: unknown): EffectiveNotificationConfig {
  const config = notificationConfigSchema.parse(document);
  return {
    path: 'n.yaml',
    exists: true,
    config,
    implicit: null,
    receivers: config.receivers,
    routes: config.routes,
  };
}

const RECEIVERS = ['a', 'b', 'c', 'd'].map((name) => ({
  name,
  type: 'slack',
  url_env: `URL_${name.toUpperCase()}`,
}));

describe('routeNotification', () => {
  const config = routing({
    receivers: RECEIVERS,
    routes: [
      { match: { event: 'latency_breach', min_severity: 'critical' }, receivers: ['a'], continue: true },
      { match: { job: ['weekly', 'latency'] }, receivers: ['b'] },
      { match: { event: ['job_failed'] }, receivers: ['c'] },
    ],
    default_route: { receivers: ['d'] },
  });

  it('takes the first matching route, and the next ones after a route that continues', () => {
    expect(
      routeNotification(config, { job: 'latency', event: 'latency_breach', severity: 'critical' }),
    ).toEqual(['a', 'b']);
    expect(
      routeNotification(config, { job: 'latency', event: 'latency_breach', severity: 'warning' }),
    ).toEqual(['b']);
    expect(routeNotification(config, { job: 'weekly', event: 'job_failed', severity: 'critical' })).toEqual([
      'b',
    ]);
    expect(
      routeNotification(config, { job: 'dashboard', event: 'job_failed', severity: 'critical' }),
    ).toEqual(['c']);
  });

  it('falls back to the default route when no route matches, and to nobody without one', () => {
    expect(
      routeNotification(config, { job: 'verify', event: 'verification_failed', severity: 'critical' }),
    ).toEqual(['d']);
    const bare = routing({ receivers: RECEIVERS, routes: [{ match: { job: 'weekly' }, receivers: ['a'] }] });
    expect(
      routeNotification(bare, { job: 'verify', event: 'verification_failed', severity: 'critical' }),
    ).toEqual([]);
  });

  it('applies the default repeat interval, skipped-runs threshold and delivery settings', () => {
    expect(routing({}).config).toMatchObject({
      repeat_interval: { text: '4h', ms: 4 * 3_600_000 },
      skipped_runs_threshold: 4,
      state_dir: 'ops/notifications',
      delivery: { max_retries: 3, retry_wait_seconds: 60, timeout_seconds: 10 },
    });
  });
});

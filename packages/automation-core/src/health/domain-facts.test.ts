import { describe, expect, it } from 'vitest';
import { latencyFacts, pendingNotificationCount, weeklyFacts } from './domain-facts.js';

describe('pendingNotificationCount', () => {
  it('reads a count or a list from whichever known field a heartbeat has, the largest when several', () => {
    expect(pendingNotificationCount({})).toBeNull();
    expect(pendingNotificationCount({ pending_alerts: 0 })).toBe(0);
    expect(pendingNotificationCount({ pending_alerts: [{}, {}] })).toBe(2);
    expect(pendingNotificationCount({ pending_notifications: 3, alert_state: { pending: [{}] } })).toBe(3);
    expect(pendingNotificationCount({ pending_notifications: 'three', pending_alerts: -1 })).toBeNull();
  });
});

describe('latencyFacts', () => {
  it('takes what is there and reads the rest as unknown, escaping texts', () => {
    const facts = latencyFacts({
      alert_state: {
        severity: 'critical',
        alert_id: 'latency_breach\u001b[31m',
        since: '2026-01-01T11:00:00Z',
      },
      slo: { p95_ms: 5000 },
      latest_p95_ms: 6100,
      breach_streak: 'three',
    });
    expect(facts.alert).toMatchObject({ severity: 'critical', since: '2026-01-01T11:00:00.000Z' });
    expect(facts.alert.alert_id).not.toContain('\u001b');
    expect(facts).toMatchObject({ breach_streak: null, p95_over_slo: true, slo: { p95_ms: 5000 } });
    expect(latencyFacts({}).alert.severity).toBe('none');
    expect(latencyFacts({}).p95_over_slo).toBeNull();
  });
});

describe('weeklyFacts', () => {
  it('keeps a week start that is a date and a due time that is a timestamp', () => {
    expect(
      weeklyFacts({ last_delivered_week_start: '2025-09-29', next_due_at: '2025-10-13T00:00:00Z' }),
    ).toEqual({
      last_delivered_week_start: '2025-09-29',
      next_due_at: '2025-10-13T00:00:00.000Z',
      next_due_week_start: null,
      last_webhook_status_code: null,
    });
    expect(weeklyFacts({ last_delivered_week_start: 'last week', next_due_at: 7 })).toMatchObject({
      last_delivered_week_start: null,
      next_due_at: null,
    });
  });
});

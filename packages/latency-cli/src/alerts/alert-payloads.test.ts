import { describe, expect, it } from 'vitest';
import { genericPayload, pagerDutyEvent, slackPayload } from './alert-payloads.js';
import type { AlertNotification } from './alert-state.js';

const alert: AlertNotification = {
  id: 'latency_breach',
  severity: 'critical',
  message: 'signal latency SLO breached for 3 consecutive 1h windows',
  breach_range: { start: '2026-07-06T01:00:00Z', end: '2026-07-06T04:00:00Z' },
  evidence_path: 'ops/signal_latency_rollup.csv',
  p95_ms: 6200,
  threshold_ms: 5000,
  failure_rate: 0.02,
  breach_streak: 3,
  dedup_key: 'obs-latency:latency_breach:20260706T030500Z',
  status: 'firing',
};

describe('alert payload formats', () => {
  it('generic: the alert list with schema version and job id', () => {
    expect(genericPayload('20260706T040500Z-latency', [alert])).toEqual({
      schema_version: '1.0.0',
      job_id: '20260706T040500Z-latency',
      alerts: [alert],
    });
  });

  it('slack: a one-line text and a section per alert plus context', () => {
    const payload = slackPayload('20260706T040500Z-latency', [alert, { ...alert, status: 'resolved' }]);
    expect(payload.text).toBe(
      '2 signal latency alerts: [CRITICAL] latency_breach, [RESOLVED] latency_breach',
    );
    const blocks = payload.blocks as { type: string; text?: { text: string } }[];
    expect(blocks.map((block) => block.type)).toEqual(['section', 'section', 'context']);
    expect(blocks[0]?.text?.text).toContain('p95: 6200 ms (SLO 5000 ms)');
    expect(slackPayload('j', [alert]).text).toBe(`[CRITICAL] latency_breach: ${alert.message}`);
  });

  it('pagerduty: Events API v2 trigger and resolve sharing the dedup key', () => {
    const trigger = pagerDutyEvent('j', 'routing-key', alert);
    expect(trigger).toMatchObject({
      routing_key: 'routing-key',
      event_action: 'trigger',
      dedup_key: alert.dedup_key,
      payload: {
        summary: alert.message,
        severity: 'critical',
        source: 'obs-latency',
        custom_details: { p95_ms: 6200 },
      },
    });
    expect(pagerDutyEvent('j', 'routing-key', { ...alert, status: 'resolved' })).toMatchObject({
      event_action: 'resolve',
      dedup_key: alert.dedup_key,
    });
  });
});

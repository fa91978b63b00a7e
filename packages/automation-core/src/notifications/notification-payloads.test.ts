import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledSchemaPath, schemaValidator } from '../schema-validator.js';
import { EVENT_NAMES, EVENT_SEVERITY, runbookAnchor } from './notification-events.js';
import { emailMessage, genericPayload, pagerDutyEvent, slackPayload } from './notification-payloads.js';
import type { NotificationItem } from './notification-state.js';

const JOB_ID = '20260302T101500Z-weekly';

function itemOf(event: (typeof EVENT_NAMES)[number], status: 'firing' | 'resolved'): NotificationItem {
  const latency = event === 'latency_breach' || event === 'latency_data_stale';
  return {
    id: event,
    severity: EVENT_SEVERITY[event],
    status,
    message: `${event} happened`,
    evidence_path: 'ops/automation_runs.log',
    dedup_key: `weekly:${event}:code`,
    job: 'weekly',
    job_id: JOB_ID,
    error_code: 'code',
    runbook: runbookAnchor(event),
    since: '2026-03-02T10:00:00.000Z',
    ...(latency
      ? {
          breach_range: { start: '2026-03-02T07:00:00Z', end: '2026-03-02T10:00:00Z' },
          p95_ms: 6200,
          threshold_ms: 5000,
          failure_rate: 0,
          breach_streak: 3,
        }
      : {}),
  };
}

describe('notification formats, for every event type', () => {
  for (const event of EVENT_NAMES) {
    it(`${event}: a valid generic payload, Slack blocks, a PagerDuty trigger and resolve, an e-mail`, async () => {
      const firing = itemOf(event, 'firing');
      const resolved = itemOf(event, 'resolved');
      const validate = await schemaValidator(bundledSchemaPath('notification.schema.json'));
      expect(validate(genericPayload(JOB_ID, [firing, resolved]))).toEqual([]);

      const slack = slackPayload(JOB_ID, [firing]);
      expect(slack.text).toBe(
        `[${firing.severity.toUpperCase()}] ${event} (weekly: code): ${event} happened`,
      );
      const blocks = slack.blocks as { type: string; text?: { text: string } }[];
      expect(blocks.map((block) => block.type)).toEqual(['section', 'context']);
      expect(blocks[0]?.text?.text).toContain(runbookAnchor(event));

      expect(pagerDutyEvent('key', firing)).toMatchObject({
        routing_key: 'key',
        event_action: 'trigger',
        dedup_key: firing.dedup_key,
        payload: {
          severity: firing.severity,
          source: 'obs-weekly',
          class: event,
          custom_details: { job_id: JOB_ID },
        },
      });
      expect(pagerDutyEvent('key', resolved)).toMatchObject({
        event_action: 'resolve',
        dedup_key: firing.dedup_key,
      });

      const mail = emailMessage(JOB_ID, [resolved]);
      expect(mail.subject).toBe(`[RESOLVED] ${event} (weekly: code): ${event} happened`);
      expect(mail.text).toContain(`runbook: ${runbookAnchor(event)}`);
    });
  }

  it('refuses a latency alert without its SLO figures', async () => {
    const validate = await schemaValidator(bundledSchemaPath('notification.schema.json'));
    const { p95_ms: _dropped, ...incomplete } = itemOf('latency_breach', 'firing');
    expect(validate(genericPayload(JOB_ID, [incomplete as NotificationItem]))).toContainEqual({
      path: '/alerts/0',
      message: 'must have required property \'p95_ms\' {"missingProperty":"p95_ms"}',
    });
  });

  it('shares one alert item shape with the weekly payload', () => {
    const defs = (name: string) =>
      (JSON.parse(readFileSync(bundledSchemaPath(name), 'utf8')) as { $defs: Record<string, unknown> }).$defs;
    expect(defs('observability_weekly_report.schema.json').alert_item).toEqual(
      defs('notification.schema.json').alert_item,
    );
  });
});

import type { AlertNotification } from './alert-state.js';

export const ALERT_PAYLOAD_SCHEMA_VERSION = '1.0.0';

/** The `generic` format: what a receiver of our own signed webhooks gets. */
export function genericPayload(jobId: string, alerts: readonly AlertNotification[]): Record<string, unknown> {
  return { schema_version: ALERT_PAYLOAD_SCHEMA_VERSION, job_id: jobId, alerts };
}

function headline(alert: AlertNotification): string {
  const state = alert.status === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
  return `[${state}] ${alert.id}`;
}

/** Slack incoming-webhook message: a one-line `text` (notifications) and one block per alert. */
export function slackPayload(jobId: string, alerts: readonly AlertNotification[]): Record<string, unknown> {
  const text =
    alerts.length === 1
      ? `${headline(alerts[0] as AlertNotification)}: ${(alerts[0] as AlertNotification).message}`
      : `${alerts.length} signal latency alerts: ${alerts.map(headline).join(', ')}`;
  const blocks: Record<string, unknown>[] = alerts.map((alert) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: [
        `*${headline(alert)}*`,
        alert.message,
        `p95: ${alert.p95_ms ?? 'n/a'} ms (SLO ${alert.threshold_ms} ms) · failure rate: ${alert.failure_rate ?? 'n/a'} · streak: ${alert.breach_streak}`,
        `evidence: \`${alert.evidence_path}\``,
      ].join('\n'),
    },
  }));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `obs-latency job ${jobId}` }] });
  return { text, blocks };
}

const PAGERDUTY_SUMMARY_LIMIT = 1024;

/** PagerDuty Events API v2: trigger while firing, resolve when cleared, one incident per dedup_key. */
export function pagerDutyEvent(
  jobId: string,
  routingKey: string,
  alert: AlertNotification,
): Record<string, unknown> {
  return {
    routing_key: routingKey,
    event_action: alert.status === 'resolved' ? 'resolve' : 'trigger',
    dedup_key: alert.dedup_key,
    payload: {
      summary: alert.message.slice(0, PAGERDUTY_SUMMARY_LIMIT),
      severity: alert.severity,
      source: 'obs-latency',
      component: 'signal-latency',
      group: 'observability',
      class: alert.id,
      custom_details: {
        job_id: jobId,
        p95_ms: alert.p95_ms,
        threshold_ms: alert.threshold_ms,
        failure_rate: alert.failure_rate,
        breach_streak: alert.breach_streak,
        breach_range: alert.breach_range,
        evidence_path: alert.evidence_path,
      },
    },
  };
}

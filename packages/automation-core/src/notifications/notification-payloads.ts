import type { NotificationItem } from './notification-state.js';

/** `schemas/notification.schema.json`'s version: 1.1.0 added job, error code, runbook and since. */
export const NOTIFICATION_SCHEMA_VERSION = '1.1.0';

/** The `generic` format: what a receiver of our own signed webhooks gets. */
export function genericPayload(jobId: string, items: readonly NotificationItem[]): Record<string, unknown> {
  return { schema_version: NOTIFICATION_SCHEMA_VERSION, job_id: jobId, alerts: items };
}

export function headline(item: NotificationItem): string {
  const state = item.status === 'resolved' ? 'RESOLVED' : item.severity.toUpperCase();
  return `[${state}] ${item.id} (${item.job}${item.error_code && item.error_code !== item.id ? `: ${item.error_code}` : ''})`;
}

function latencyLine(item: NotificationItem): string | null {
  if (item.threshold_ms === undefined) return null;
  return `p95: ${item.p95_ms ?? 'n/a'} ms (SLO ${item.threshold_ms} ms) · failure rate: ${item.failure_rate ?? 'n/a'} · streak: ${item.breach_streak ?? 0}`;
}

/** The lines every human-readable format shows for one item. */
function detailLines(item: NotificationItem): string[] {
  return [
    item.message,
    ...[latencyLine(item)].filter((line): line is string => line !== null),
    `since ${item.since} · job ${item.job_id}`,
    `evidence: ${item.evidence_path} · runbook: ${item.runbook}`,
  ];
}

function summaryText(items: readonly NotificationItem[]): string {
  const first = items[0] as NotificationItem;
  return items.length === 1
    ? `${headline(first)}: ${first.message}`
    : `${items.length} observability notifications: ${items.map(headline).join(', ')}`;
}

/** Slack incoming-webhook message: a one-line `text` (the phone notification) and blocks per item. */
export function slackPayload(jobId: string, items: readonly NotificationItem[]): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = items.map((item) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: [
        `*${headline(item)}*`,
        ...detailLines(item).map((line, index) => (index === 0 ? line : `_${line}_`)),
      ].join('\n'),
    },
  }));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `obs-automation run ${jobId}` }] });
  return { text: summaryText(items), blocks };
}

const PAGERDUTY_SUMMARY_LIMIT = 1024;
const PAGERDUTY_SEVERITY = { info: 'info', warning: 'warning', critical: 'critical' } as const;

/** PagerDuty Events API v2: trigger while firing, resolve when cleared, one incident per dedup_key. */
export function pagerDutyEvent(routingKey: string, item: NotificationItem): Record<string, unknown> {
  const { id, job, job_id, error_code, runbook, since, evidence_path, message, ...figures } = item;
  return {
    routing_key: routingKey,
    event_action: item.status === 'resolved' ? 'resolve' : 'trigger',
    dedup_key: item.dedup_key,
    payload: {
      summary: `${headline(item)}: ${message}`.slice(0, PAGERDUTY_SUMMARY_LIMIT),
      severity: PAGERDUTY_SEVERITY[item.severity],
      source: `obs-${job}`,
      component: job,
      group: 'observability',
      class: id,
      custom_details: { job_id, error_code, since, evidence_path, runbook, ...latencyDetails(figures) },
    },
  };
}

function latencyDetails(figures: Partial<NotificationItem>): Record<string, unknown> {
  if (figures.threshold_ms === undefined) return {};
  return {
    p95_ms: figures.p95_ms,
    threshold_ms: figures.threshold_ms,
    failure_rate: figures.failure_rate,
    breach_streak: figures.breach_streak,
    breach_range: figures.breach_range,
  };
}

/** An e-mail: the subject is the one-line summary, the body every item's details. */
export function emailMessage(
  jobId: string,
  items: readonly NotificationItem[],
): { subject: string; text: string } {
  const text = [
    ...items.flatMap((item) => [headline(item), ...detailLines(item).map((line) => `  ${line}`), '']),
    `obs-automation run ${jobId}`,
    '',
  ].join('\n');
  return { subject: summaryText(items).slice(0, 200), text };
}

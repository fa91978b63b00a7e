/** How a delivery reached (or failed to reach) its receiver. */
export type DeliveryChannel = 'webhook' | 'email' | 'upload';

/** One delivery a run made: to one receiver, with every attempt it took. */
export interface Delivery {
  channel: DeliveryChannel;
  attempts: number;
  /** attempts beyond the first of each message sent */
  retries: number;
  failed: boolean;
}

function attemptsOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : null;
}

/**
 * The deliveries an entry records, from the fields the jobs' summaries carry (one place to
 * change when a job reports deliveries differently):
 * - obs-weekly: `summary.delivered` with the entry's `attempts` (webhook delivery attempts);
 * - obs-latency: each report of `summary.notifications` (one receiver each: `attempts`,
 *   `delivered`, `format`; a PagerDuty report sends one message per alert, the others one batch;
 *   a receiver of format or channel `email` counts as email);
 * - obs-dashboard: `summary.upload` (`status` ok or failed, `attempts`).
 */
export function deliveriesOf(entryAttempts: unknown, summary: Readonly<Record<string, unknown>>): Delivery[] {
  const deliveries: Delivery[] = [];
  const weeklyAttempts = attemptsOf(entryAttempts);
  if (typeof summary.delivered === 'boolean' && weeklyAttempts !== null) {
    deliveries.push({
      channel: 'webhook',
      attempts: weeklyAttempts,
      retries: weeklyAttempts - 1,
      failed: !summary.delivered,
    });
  }
  if (Array.isArray(summary.notifications)) {
    for (const report of summary.notifications as Record<string, unknown>[]) {
      const attempts = attemptsOf(report?.attempts);
      if (attempts === null) continue;
      const email = report.format === 'email' || report.channel === 'email';
      const messages =
        report.format === 'pagerduty' && Array.isArray(report.alerts) ? Math.max(1, report.alerts.length) : 1;
      deliveries.push({
        channel: email ? 'email' : 'webhook',
        attempts,
        retries: Math.max(0, attempts - messages),
        failed: report.delivered !== true,
      });
    }
  }
  const upload = summary.upload as Record<string, unknown> | undefined;
  const uploadAttempts = attemptsOf(upload?.attempts);
  if ((upload?.status === 'ok' || upload?.status === 'failed') && uploadAttempts !== null) {
    deliveries.push({
      channel: 'upload',
      attempts: uploadAttempts,
      retries: uploadAttempts - 1,
      failed: upload.status === 'failed',
    });
  }
  return deliveries;
}

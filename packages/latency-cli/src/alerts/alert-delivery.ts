import { deliverWebhook, errorMessageOf, sha256Hex, type WebhookResult } from '@obs-automation/core';
import type { AlertConfig, WebhookConfig } from './alert-config.js';
import { genericPayload, pagerDutyEvent, slackPayload } from './alert-payloads.js';
import type { PendingDelivery } from './alert-state.js';

export interface DeliveryReport {
  webhook: string;
  format: WebhookConfig['format'];
  alerts: string[];
  delivered: boolean;
  attempts: number;
  status_code: number | null;
  error_code?: string;
  error_message?: string;
}

export interface DeliveryContext {
  jobId: string;
  config: AlertConfig;
  readSecret(envName: string): string | undefined;
  signal: AbortSignal;
}

interface Attempt {
  ok: boolean;
  attempts: number;
  statusCode: number | null;
  errorCode?: string;
  errorMessage?: string;
}

function failure(errorCode: string, errorMessage: string): Attempt {
  return { ok: false, attempts: 0, statusCode: null, errorCode, errorMessage };
}

function fromResult(result: WebhookResult): Attempt {
  return {
    ok: result.ok,
    attempts: result.attempts,
    statusCode: result.statusCode,
    ...(result.errorCode ? { errorCode: result.errorCode, errorMessage: result.errorMessage } : {}),
  };
}

async function send(
  context: DeliveryContext,
  url: string,
  body: unknown,
  messageId: string,
  secret: string | undefined,
): Promise<Attempt> {
  try {
    const result = await deliverWebhook({
      url,
      body,
      messageId,
      ...(secret === undefined ? {} : { secret }),
      maxRetries: context.config.max_retries,
      retryWaitSeconds: context.config.backoff_seconds,
      signal: context.signal,
    });
    return fromResult(result);
  } catch (error) {
    if (context.signal.aborted) throw error;
    // Only option errors get here (an unusable URL or secret); their messages never hold the values.
    return failure('invalid_webhook', errorMessageOf(error));
  }
}

/** The message id of a batch: stable while the same notifications wait, so retries keep it. */
function batchMessageId(entries: readonly PendingDelivery[]): string {
  if (entries.length === 1) return (entries[0] as PendingDelivery).message_id;
  return `batch:${sha256Hex(entries.map((entry) => entry.message_id).join('\n')).slice(0, 32)}`;
}

async function deliverTo(
  webhook: WebhookConfig,
  entries: PendingDelivery[],
  context: DeliveryContext,
): Promise<{ delivered: Set<PendingDelivery>; attempt: Attempt }> {
  const url = context.readSecret(webhook.url_env);
  const secret = webhook.secret_env === undefined ? undefined : context.readSecret(webhook.secret_env);
  const unset =
    url === undefined
      ? `${webhook.url_env} (url_env`
      : webhook.secret_env !== undefined && secret === undefined
        ? `${webhook.secret_env} (secret_env`
        : null;
  if (url === undefined || unset !== null) {
    const message = `environment variable ${unset} of webhook ${webhook.name}) is not set`;
    return { delivered: new Set(), attempt: failure('invalid_webhook', message) };
  }
  if (webhook.format === 'pagerduty') {
    // One event per alert; the secret is the routing key, not a signing key.
    const delivered = new Set<PendingDelivery>();
    let last: Attempt = failure('webhook_failed', 'nothing sent');
    let attempts = 0;
    for (const entry of entries) {
      last = await send(
        context,
        url,
        pagerDutyEvent(context.jobId, secret as string, entry.alert),
        entry.message_id,
        undefined,
      );
      attempts += last.attempts;
      if (!last.ok) return { delivered, attempt: { ...last, attempts } };
      delivered.add(entry);
    }
    return { delivered, attempt: { ...last, attempts } };
  }
  const alerts = entries.map((entry) => entry.alert);
  const body =
    webhook.format === 'slack' ? slackPayload(context.jobId, alerts) : genericPayload(context.jobId, alerts);
  const attempt = await send(context, url, body, batchMessageId(entries), secret);
  return { delivered: attempt.ok ? new Set(entries) : new Set(), attempt };
}

/**
 * Sends every pending notification, grouped per webhook. Delivered ones leave the queue; the
 * others stay with their attempt count and last error, to be retried on the next run.
 */
export async function deliverPending(
  pending: readonly PendingDelivery[],
  context: DeliveryContext,
): Promise<{ remaining: PendingDelivery[]; reports: DeliveryReport[] }> {
  const remaining: PendingDelivery[] = [];
  const reports: DeliveryReport[] = [];
  for (const webhook of context.config.webhooks) {
    const entries = pending.filter((entry) => entry.webhook === webhook.name);
    if (entries.length === 0) continue;
    const { delivered, attempt } = await deliverTo(webhook, entries, context);
    for (const entry of entries) {
      if (delivered.has(entry)) continue;
      remaining.push({
        ...entry,
        attempts: entry.attempts + attempt.attempts,
        last_error: `${attempt.errorCode}: ${attempt.errorMessage}`,
      });
    }
    reports.push({
      webhook: webhook.name,
      format: webhook.format,
      alerts: entries.map((entry) => `${entry.alert.id}:${entry.alert.status}`),
      delivered: attempt.ok && delivered.size === entries.length,
      attempts: attempt.attempts,
      status_code: attempt.statusCode,
      ...(attempt.ok ? {} : { error_code: attempt.errorCode, error_message: attempt.errorMessage }),
    });
  }
  return { remaining, reports };
}

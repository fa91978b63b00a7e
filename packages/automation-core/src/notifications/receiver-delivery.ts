import { sha256Hex } from '../checksum.js';
import { errorMessageOf } from '../job-error.js';
import { deliverWebhook } from '../webhook/deliver.js';
import type { Sleep } from '../webhook/types.js';
import { sendEmail } from './email-sender.js';
import type { DeliverySettings, ReceiverConfig } from './notification-config.js';
import { emailMessage, genericPayload, pagerDutyEvent, slackPayload } from './notification-payloads.js';
import type { NotificationItem } from './notification-state.js';

/** PagerDuty's Events API v2 endpoint, unless the receiver names a variable holding another. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface DeliveryAttempt {
  ok: boolean;
  attempts: number;
  /** HTTP status or SMTP reply code of the last attempt; null without a reply */
  statusCode: number | null;
  errorCode?: string;
  errorMessage?: string;
}

export interface ReceiverContext {
  jobId: string;
  delivery: DeliverySettings;
  readSecret(envName: string): string | undefined;
  signal: AbortSignal;
  sleep?: Sleep;
}

export interface BatchEntry {
  messageId: string;
  item: NotificationItem;
}

function invalid(message: string): DeliveryAttempt {
  return { ok: false, attempts: 0, statusCode: null, errorCode: 'invalid_receiver', errorMessage: message };
}

function unsetVariable(receiver: ReceiverConfig, key: string, name: string): DeliveryAttempt {
  return invalid(`environment variable ${name} (${key} of receiver ${receiver.name}) is not set`);
}

async function post(
  context: ReceiverContext,
  delivery: DeliverySettings,
  url: string,
  body: unknown,
  messageId: string,
  secret: string | undefined,
): Promise<DeliveryAttempt> {
  try {
    const result = await deliverWebhook({
      url,
      body,
      messageId,
      ...(secret === undefined ? {} : { secret }),
      maxRetries: delivery.max_retries,
      retryWaitSeconds: delivery.retry_wait_seconds,
      timeoutSeconds: delivery.timeout_seconds,
      signal: context.signal,
      ...(context.sleep ? { sleep: context.sleep } : {}),
    });
    return {
      ok: result.ok,
      attempts: result.attempts,
      statusCode: result.statusCode,
      ...(result.errorCode ? { errorCode: result.errorCode, errorMessage: result.errorMessage } : {}),
    };
  } catch (error) {
    if (context.signal.aborted) throw error;
    // Only option errors get here (an unusable URL or secret); their messages never hold the values.
    return invalid(errorMessageOf(error));
  }
}

/** One message id for a batch: stable while the same notifications wait, so retries keep it. */
function batchMessageId(entries: readonly BatchEntry[]): string {
  if (entries.length === 1) return (entries[0] as BatchEntry).messageId;
  return `batch:${sha256Hex(entries.map((entry) => entry.messageId).join('\n')).slice(0, 32)}`;
}

/**
 * Delivers a batch of notifications to one receiver in its format: one signed request (generic),
 * one Slack message, one e-mail, or one PagerDuty event per notification. Returns which entries it
 * accepted and the attempts made.
 */
export async function deliverToReceiver(
  receiver: ReceiverConfig,
  entries: readonly BatchEntry[],
  context: ReceiverContext,
): Promise<{ accepted: BatchEntry[]; attempt: DeliveryAttempt }> {
  const items = entries.map((entry) => entry.item);
  const messageId = batchMessageId(entries);
  const delivery = receiver.delivery ?? context.delivery;
  if (receiver.type === 'email') {
    const { subject, text } = emailMessage(context.jobId, items);
    const attempt = await sendEmail({
      receiver,
      readEnv: (name) => context.readSecret(name),
      subject,
      text,
      messageId,
      maxRetries: delivery.max_retries,
      retryWaitSeconds: delivery.retry_wait_seconds,
      signal: context.signal,
      ...(context.sleep ? { sleep: context.sleep } : {}),
    });
    return { accepted: attempt.ok ? [...entries] : [], attempt };
  }
  const url = receiver.url_env === undefined ? PAGERDUTY_EVENTS_URL : context.readSecret(receiver.url_env);
  if (url === undefined)
    return { accepted: [], attempt: unsetVariable(receiver, 'url_env', receiver.url_env ?? '') };
  const secretEnv = receiver.type === 'slack' ? undefined : receiver.secret_env;
  const secret = secretEnv === undefined ? undefined : context.readSecret(secretEnv);
  if (secretEnv !== undefined && secret === undefined)
    return { accepted: [], attempt: unsetVariable(receiver, 'secret_env', secretEnv) };

  if (receiver.type === 'pagerduty') {
    // One event per notification; the secret is the routing key, not a signing key.
    const accepted: BatchEntry[] = [];
    let attempts = 0;
    let last: DeliveryAttempt = invalid('nothing sent');
    for (const entry of entries) {
      last = await post(
        context,
        delivery,
        url,
        pagerDutyEvent(secret as string, entry.item),
        entry.messageId,
        undefined,
      );
      attempts += last.attempts;
      if (!last.ok) break;
      accepted.push(entry);
    }
    return { accepted, attempt: { ...last, attempts } };
  }
  const body =
    receiver.type === 'slack' ? slackPayload(context.jobId, items) : genericPayload(context.jobId, items);
  const attempt = await post(context, delivery, url, body, messageId, secret);
  return { accepted: attempt.ok ? [...entries] : [], attempt };
}

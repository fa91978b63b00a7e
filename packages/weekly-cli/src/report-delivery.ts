import { deliverWebhook, type JobContext, JobError, type WebhookResult } from '@obs-automation/core';
import type { WeeklyOptions } from './weekly-options.js';
import type { WeeklyPayload } from './weekly-payload.js';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** The webhook URL and signing secret from the environment variables the options name. */
export function webhookTarget(
  options: WeeklyOptions,
  context: Pick<JobContext, 'readSecret'>,
): WebhookTarget {
  const url = context.readSecret(options.webhookUrlEnv);
  const secret = context.readSecret(options.webhookSecretEnv);
  const unset = [
    ...(url === undefined ? [options.webhookUrlEnv] : []),
    ...(secret === undefined ? [options.webhookSecretEnv] : []),
  ];
  if (url === undefined || secret === undefined) {
    const subject =
      unset.length === 1
        ? `environment variable ${unset[0]} is`
        : `environment variables ${unset.join(', ')} are`;
    throw new JobError('missing_secret', `${subject} not set`, { env_vars: unset });
  }
  return { url, secret };
}

/**
 * The Standard Webhooks `webhook-id` of a week's report: a function of the week and the revision
 * only, so a report sent again (a run that could not record its delivery, a killed run) carries
 * the id the receiver already has and is dropped as a duplicate, while a corrected re-send
 * (revision 2, 3, …) is a new message: `obs-weekly:2026-06-22`, `obs-weekly:2026-06-22:r2`.
 */
export function weeklyWebhookId(weekStart: string, revision: number): string {
  return revision === 1 ? `obs-weekly:${weekStart}` : `obs-weekly:${weekStart}:r${revision}`;
}

/** Posts the payload with the core webhook client, every retry under the same webhook-id. */
export async function deliverReport(
  target: WebhookTarget,
  payload: WeeklyPayload,
  revision: number,
  options: WeeklyOptions,
  context: Pick<JobContext, 'signal'>,
): Promise<WebhookResult> {
  try {
    return await deliverWebhook({
      url: target.url,
      body: payload,
      secret: target.secret,
      messageId: weeklyWebhookId(payload.week_start, revision),
      timeoutSeconds: options.timeoutSeconds,
      maxRetries: options.maxRetries,
      retryWaitSeconds: options.retryWaitSeconds,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
      signal: context.signal,
    });
  } catch (error) {
    // The client rejects only on an interruption (passed on) or on a URL or secret it cannot use.
    if (context.signal.aborted || !(error instanceof TypeError)) throw error;
    throw new JobError(
      'invalid_config',
      `${options.webhookUrlEnv} / ${options.webhookSecretEnv}: ${error.message}`,
      { env_vars: [options.webhookUrlEnv, options.webhookSecretEnv] },
    );
  }
}

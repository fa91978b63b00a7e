import { JobError, parseWebhookUrl } from '@obs-automation/core';
import type { WebhookConfig } from './alerts/alert-config.js';

/**
 * Every alert webhook whose URL variable is set must hold a URL the webhook client can post to:
 * a bad one is a configuration error (`invalid_config`, exit 2) naming the variable and the
 * webhook, found before the run changes anything. An unset variable stays a per-webhook delivery
 * failure, retried on later runs.
 */
export function checkWebhookUrls(
  webhooks: readonly WebhookConfig[],
  readSecret: (name: string) => string | undefined,
): void {
  for (const webhook of webhooks) {
    const url = readSecret(webhook.url_env);
    if (url === undefined) continue;
    try {
      parseWebhookUrl(url);
    } catch (error) {
      throw new JobError(
        'invalid_config',
        `environment variable ${webhook.url_env} (url_env of webhook ${webhook.name}): ${(error as Error).message}`,
        { env_var: webhook.url_env, webhook: webhook.name },
      );
    }
  }
}

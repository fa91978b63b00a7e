import { DEFAULT_TIMEOUT_SECONDS, type ImplicitRouting, type ReceiverConfig } from '@obs-automation/core';
import type { AlertConfig } from './alert-config.js';

const LATENCY_EVENTS = ['latency_breach', 'latency_data_stale'] as const;

/**
 * The `webhooks` of latency_alert.yaml as receivers and routes of the notification step: each
 * webhook takes the latency alerts from its min_severity on, with the file's retry settings,
 * before (and besides: `continue`) the routes of notifications.yaml.
 */
export function latencyRouting(config: AlertConfig, source: string): ImplicitRouting | null {
  if (config.webhooks.length === 0) return null;
  const delivery = {
    max_retries: config.max_retries,
    retry_wait_seconds: config.backoff_seconds,
    timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
  };
  const receivers: ReceiverConfig[] = config.webhooks.map((webhook) => {
    if (webhook.format === 'slack')
      return { name: webhook.name, type: 'slack', url_env: webhook.url_env, delivery };
    if (webhook.format === 'pagerduty')
      return {
        name: webhook.name,
        type: 'pagerduty',
        url_env: webhook.url_env,
        secret_env: webhook.secret_env as string,
        delivery,
      };
    return {
      name: webhook.name,
      type: 'generic',
      url_env: webhook.url_env,
      ...(webhook.secret_env === undefined ? {} : { secret_env: webhook.secret_env }),
      delivery,
    };
  });
  return {
    source: `${source} webhooks`,
    receivers,
    routes: config.webhooks.map((webhook) => ({
      match: { job: ['latency'], event: [...LATENCY_EVENTS], min_severity: webhook.min_severity },
      receivers: [webhook.name],
      continue: true,
    })),
  };
}

/**
 * The SLO and alert settings `--config-dump` shows: thresholds and retry settings as in effect;
 * the webhooks are in the dump's `notifications.receivers`, with their variables' names.
 */
export function alertConfigDump(options: {
  alert: AlertConfig;
  alertConfigPath: string;
}): Record<string, unknown> {
  const { webhooks, ...settings } = options.alert;
  return {
    path: options.alertConfigPath,
    ...settings,
    webhooks: webhooks.map((webhook) => ({
      name: webhook.name,
      format: webhook.format,
      min_severity: webhook.min_severity,
    })),
  };
}

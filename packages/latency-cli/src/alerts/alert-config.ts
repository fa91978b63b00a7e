import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_WAIT_SECONDS,
  loadYamlConfig,
  optionTypes,
  requireUniqueNames,
} from '@obs-automation/core';
import { optionSchema } from '@obs-automation/core/config-schema';
import * as z from '@obs-automation/core/zod';

const envNameSchema = optionSchema(optionTypes.envName);

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A receiver of latency alerts; URL and secret come from the named environment variables. */
export const webhookSchema = z
  .strictObject({
    name: z.string().min(1),
    url_env: envNameSchema,
    secret_env: envNameSchema.optional(),
    format: z.enum(['generic', 'slack', 'pagerduty']).default('generic'),
    min_severity: z.enum(SEVERITIES).default('warning'),
  })
  .superRefine((webhook, context) => {
    if (webhook.format === 'pagerduty' && webhook.secret_env === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['secret_env'],
        message: 'a pagerduty webhook needs secret_env (the variable holding the routing key)',
      });
    }
  });

export type WebhookConfig = z.output<typeof webhookSchema>;

/** configs/observability/latency_alert.yaml; the earlier tooling's file (the first four keys) loads unchanged. */
export const alertConfigSchema = z
  .strictObject({
    slo_p95_ms: z.number().positive().default(5000),
    warning_threshold: z.number().int().min(1).default(2),
    critical_threshold: z.number().int().min(1).default(3),
    failure_rate_threshold: z.number().min(0).max(1).default(0.01),
    /** repeats of latency alerts; unset: notifications.yaml's repeat_interval (default 4 h) */
    repeat_interval_minutes: z.number().positive().optional(),
    /** the webhook retry wait, as the webhook client's --retry-wait-seconds */
    backoff_seconds: z.number().min(0).default(DEFAULT_RETRY_WAIT_SECONDS),
    max_retries: z.number().int().min(0).default(DEFAULT_MAX_RETRIES),
    webhooks: z.array(webhookSchema).default([]),
  })
  .superRefine((config, context) => {
    if (config.critical_threshold < config.warning_threshold) {
      context.addIssue({
        code: 'custom',
        path: ['critical_threshold'],
        message: `must be ≥ warning_threshold (${config.warning_threshold})`,
      });
    }
    requireUniqueNames(config.webhooks, 'webhooks', 'webhook', context);
  });

export type AlertConfig = z.output<typeof alertConfigSchema>;

/** Loads the alert config; a path the user named must exist, the default one may be absent (defaults). */
export async function loadAlertConfig(
  path: string,
  options: { root: string; explicit: boolean },
): Promise<{ path: string; exists: boolean; config: AlertConfig }> {
  return loadYamlConfig(alertConfigSchema, path, { ...options, flag: '--alert-config' });
}

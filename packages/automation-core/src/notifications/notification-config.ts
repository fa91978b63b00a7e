import { optionSchema } from '../command-line/option-config-schema.js';
import { type Duration, optionTypes, parseDuration } from '../command-line/option-kit.js';
import { loadYamlConfig, requireUniqueNames } from '../config-loader.js';
import * as z from '../configured-zod.js';
import { configError } from '../job-error.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_WAIT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
} from '../webhook/defaults.js';
import { WORKSPACE_LAYOUT } from '../workspace-layout.js';
import { EVENT_NAMES, SEVERITIES } from './notification-events.js';

const envName = optionSchema(optionTypes.envName);
const duration = optionSchema(optionTypes.duration);

/** A deliberately plain address check: one @, no spaces, a dot in the domain. */
const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const emailAddress = z.string().regex(EMAIL_ADDRESS, 'must be an e-mail address such as oncall@example.com');

/** How hard delivery tries: the webhook client's retry settings, used for e-mail too. */
const deliverySchema = z.strictObject({
  max_retries: z.number().int().min(0).default(DEFAULT_MAX_RETRIES),
  retry_wait_seconds: z.number().min(0).default(DEFAULT_RETRY_WAIT_SECONDS),
  timeout_seconds: z.number().positive().default(DEFAULT_TIMEOUT_SECONDS),
});
export type DeliverySettings = z.output<typeof deliverySchema>;

/** Our own signed JSON webhook: the notification payload, signed by the core webhook client. */
const genericReceiver = z.strictObject({
  name: z.string().min(1),
  /** this receiver's own retry settings instead of `delivery` */
  delivery: deliverySchema.optional(),
  type: z.literal('generic'),
  url_env: envName,
  secret_env: envName.optional(),
});

const slackReceiver = z.strictObject({
  name: z.string().min(1),
  /** this receiver's own retry settings instead of `delivery` */
  delivery: deliverySchema.optional(),
  type: z.literal('slack'),
  url_env: envName,
});

/** PagerDuty Events API v2; `secret_env` holds the integration's routing key. */
const pagerDutyReceiver = z.strictObject({
  name: z.string().min(1),
  /** this receiver's own retry settings instead of `delivery` */
  delivery: deliverySchema.optional(),
  type: z.literal('pagerduty'),
  url_env: envName.optional(),
  secret_env: envName,
});

/**
 * SMTP through nodemailer: the server and credentials come from environment variables; `tls.mode`
 * is `starttls` (upgrade required, port 587), `implicit` (TLS from the first byte, port 465) or
 * `none` (plain SMTP, for a relay on the same host).
 */
const emailReceiver = z.strictObject({
  name: z.string().min(1),
  /** this receiver's own retry settings instead of `delivery` */
  delivery: deliverySchema.optional(),
  type: z.literal('email'),
  smtp: z.strictObject({
    host_env: envName,
    port_env: envName.optional(),
    username_env: envName.optional(),
    password_env: envName.optional(),
    tls: z
      .strictObject({
        mode: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
        reject_unauthorized: z.boolean().default(true),
        servername: z.string().min(1).optional(),
      })
      .prefault({}),
    timeout_seconds: z.number().positive().default(DEFAULT_TIMEOUT_SECONDS),
  }),
  from: emailAddress,
  to: z.array(emailAddress).min(1),
});

export const receiverSchema = z.discriminatedUnion('type', [
  genericReceiver,
  slackReceiver,
  pagerDutyReceiver,
  emailReceiver,
]);
export type ReceiverConfig = z.output<typeof receiverSchema>;
export type ReceiverType = ReceiverConfig['type'];
export type EmailReceiver = z.output<typeof emailReceiver>;

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item.transform((value) => [value]), z.array(item).min(1)]);

/** Which notifications a route takes; a missing matcher matches everything. */
const matchSchema = z.strictObject({
  job: oneOrMany(z.string().min(1)).optional(),
  event: oneOrMany(z.enum(EVENT_NAMES)).optional(),
  min_severity: z.enum(SEVERITIES).default('info'),
});

const routeSchema = z.strictObject({
  match: matchSchema.prefault({}),
  receivers: z.array(z.string().min(1)).min(1),
  /** as Alertmanager's `continue`: keep matching the routes after this one */
  continue: z.boolean().default(false),
});
export type RouteConfig = z.output<typeof routeSchema>;

const DEFAULT_REPEAT_INTERVAL = '4h';
export const DEFAULT_SKIPPED_RUNS_THRESHOLD = 4;
const DEFAULT_DRY_RUN_RETENTION_DAYS = 56;

/** configs/observability/notifications.yaml */
export const notificationConfigSchema = z
  .strictObject({
    repeat_interval: duration.default(parseDuration(DEFAULT_REPEAT_INTERVAL) as Duration),
    skipped_runs_threshold: z.number().int().min(1).default(DEFAULT_SKIPPED_RUNS_THRESHOLD),
    state_dir: z.string().min(1).default(WORKSPACE_LAYOUT.notificationStateDir),
    /** rehearsed notifications (out/notifications/<job_id>.json) older than this are deleted */
    dry_run_retention_days: z.number().int().min(1).default(DEFAULT_DRY_RUN_RETENTION_DAYS),
    delivery: deliverySchema.prefault({}),
    receivers: z.array(receiverSchema).default([]),
    routes: z.array(routeSchema).default([]),
    default_route: z.strictObject({ receivers: z.array(z.string().min(1)).min(1) }).optional(),
  })
  .superRefine((config, context) => {
    requireUniqueNames(config.receivers, 'receivers', 'receiver', context);
    const known = new Set(config.receivers.map((receiver) => receiver.name));
    const requireKnown = (names: readonly string[], path: PropertyKey[]) => {
      names.forEach((name, index) => {
        if (!known.has(name)) {
          context.addIssue({
            code: 'custom',
            path: [...path, index],
            message: `no receiver named "${name}" (receivers: ${[...known].join(', ') || 'none'})`,
          });
        }
      });
    };
    config.routes.forEach((route, index) => {
      requireKnown(route.receivers, ['routes', index, 'receivers']);
    });
    if (config.default_route) requireKnown(config.default_route.receivers, ['default_route', 'receivers']);
  });

export type NotificationConfig = z.output<typeof notificationConfigSchema>;

/** Receivers and routes a job brings with its own config (obs-latency's `webhooks`), routed first. */
export interface ImplicitRouting {
  /** where they are declared, for messages: e.g. `configs/observability/latency_alert.yaml webhooks` */
  source: string;
  receivers: ReceiverConfig[];
  routes: RouteConfig[];
}

/** The routing a run uses: the file's, with a job's implicit receivers and routes in front. */
export interface EffectiveNotificationConfig {
  path: string;
  exists: boolean;
  config: NotificationConfig;
  implicit: ImplicitRouting | null;
  receivers: ReceiverConfig[];
  routes: RouteConfig[];
}

/**
 * Loads notifications.yaml (`--notifications-config`, else OBS_NOTIFICATIONS_CONFIG, else the
 * layout's default, which may be absent: no receivers). A receiver name the job's implicit
 * routing also uses is a config error naming both places.
 */
export async function loadNotificationConfig(
  path: string,
  options: { root: string; explicit: boolean; implicit: ImplicitRouting | null },
): Promise<EffectiveNotificationConfig> {
  const loaded = await loadYamlConfig(notificationConfigSchema, path, {
    root: options.root,
    explicit: options.explicit,
    flag: '--notifications-config',
  });
  const implicit = options.implicit;
  const own = new Set(loaded.config.receivers.map((receiver) => receiver.name));
  const clash = implicit?.receivers.find((receiver) => own.has(receiver.name));
  if (clash && implicit) {
    throw configError(
      `${loaded.path}: key receivers: receiver name "${clash.name}" is also a webhook of ${implicit.source}; rename one of them`,
      { config_path: loaded.path, key: 'receivers' },
    );
  }
  return {
    path: loaded.path,
    exists: loaded.exists,
    config: loaded.config,
    implicit,
    receivers: [...(implicit?.receivers ?? []), ...loaded.config.receivers],
    routes: [...(implicit?.routes ?? []), ...loaded.config.routes],
  };
}

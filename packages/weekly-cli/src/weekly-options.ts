import {
  bundledSchemaPath,
  configError,
  loadYamlConfig,
  type OptionSpec,
  optionKey,
  type ResolvedInput,
  resolveAgainstRoot,
  usageError,
} from '@obs-automation/core';
import { z } from 'zod';
import { parseWeekStart, type WeekChoice } from './week-window.js';

export const SECTIONS = ['runs', 'latency', 'portfolio', 'benchmarks', 'health'] as const;
export type Section = (typeof SECTIONS)[number];

export const PAYLOAD_SCHEMA_FILE = 'observability_weekly_report.schema.json';
export const DEFAULT_CONFIG_PATH = 'configs/observability/weekly_payload.yaml';
/** The latency job's default; a week window that reached it makes `latency_breach` critical. */
export const DEFAULT_CRITICAL_STREAK = 3;

export interface WeeklyOptions {
  payloadSchema: string;
  runsRoot: string;
  portfolioSummary: string;
  latencyRollup: string;
  latencyRaw: string;
  archiveManifest: string;
  latencyHeartbeat: string;
  benchmarkSummary: string;
  healthChecks: string;
  criticalStreak: number;
  week: { start: Date } | { choice: WeekChoice };
  /**
   * config `include`: decides the optional sections (benchmarks, health); runs, latency and
   * portfolio are always built, they are what the report is for
   */
  include: ReadonlySet<Section>;
  /** webhook channel names listed in every alert's `notified_channels` */
  channels: string[];
  failOnError: boolean;
  webhookUrlEnv: string;
  webhookSecretEnv: string;
  maxRetries: number;
  retryWaitSeconds: number;
  timeoutSeconds: number;
  maxRetryAfterSeconds: number;
  outDir: string;
  historyRetentionDays: number;
  dryRun: boolean;
  dryRunDir: string;
  heartbeatFile: string;
  lockFile: string;
  forceSend: boolean;
}

const path = z.string().min(1);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
/** Flags arrive as text, config values as YAML numbers; "" and "abc" are rejected, not read as 0. */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);

export const WEEKLY_OPTIONS: OptionSpec[] = [
  {
    flag: '--weekly-payload',
    description: 'build the weekly payload (the default action; accepted for compatibility)',
    schema: z.boolean(),
  },
  {
    flag: '--payload-schema',
    value: '<path>',
    description: 'JSON Schema the payload must satisfy',
    defaultValue: bundledSchemaPath(PAYLOAD_SCHEMA_FILE),
    defaultLabel: `the installation's schemas/${PAYLOAD_SCHEMA_FILE}`,
    schema: path,
  },
  {
    flag: '--runs-root',
    value: '<dir>',
    description: 'folder with index.csv and <run_id>/daily.csv',
    defaultValue: 'runs',
    schema: path,
  },
  {
    flag: '--portfolio-summary',
    value: '<path>',
    description: 'portfolio summary JSON',
    defaultValue: 'reports/portfolio_summary.json',
    schema: path,
  },
  {
    flag: '--latency-rollup',
    value: '<path>',
    description: 'hourly latency rollup CSV',
    defaultValue: 'ops/signal_latency_rollup.csv',
    schema: path,
  },
  {
    flag: '--latency-raw',
    value: '<path>',
    description: 'raw latency samples CSV (for exact weekly percentiles)',
    defaultValue: 'ops/signal_latency.csv',
    schema: path,
  },
  {
    flag: '--archive-manifest',
    value: '<path>',
    description: 'manifest of archived latency samples',
    defaultValue: 'ops/signal_latency_archive/manifest.jsonl',
    schema: path,
  },
  {
    flag: '--latency-heartbeat',
    value: '<path>',
    description: 'latency job heartbeat (pending_alerts)',
    defaultValue: 'ops/latency_job_heartbeat.json',
    schema: path,
  },
  {
    flag: '--latency-alert-config',
    value: '<yaml>',
    description: 'latency alert config whose critical_threshold makes a breach streak critical',
    defaultValue: 'configs/observability/latency_alert.yaml',
    schema: path,
  },
  {
    flag: '--benchmark-summary',
    value: '<path>',
    description: 'optional benchmark summary JSON, copied into `benchmarks` when present',
    defaultValue: 'reports/benchmark_summary.json',
    schema: path,
  },
  {
    flag: '--health-checks',
    value: '<path>',
    description: 'optional health checks JSON, copied into `health` when present',
    defaultValue: 'ops/health/state_checks.json',
    schema: path,
  },
  {
    flag: '--week-start',
    value: '<YYYY-MM-DD>',
    description: 'report this week (a Monday) instead of the last complete week',
    schema: z.string(),
  },
  {
    flag: '--webhook-url-env',
    value: '<name>',
    description: 'environment variable holding the webhook URL',
    defaultValue: 'OBS_WEEKLY_WEBHOOK_URL',
    schema: envName,
    secretEnv: true,
  },
  {
    flag: '--webhook-secret-env',
    value: '<name>',
    description: 'environment variable holding the signing secret',
    defaultValue: 'OBS_WEBHOOK_SECRET',
    schema: envName,
    secretEnv: true,
  },
  {
    flag: '--max-retries',
    value: '<n>',
    description: 'retries after the first attempt',
    defaultValue: 3,
    schema: numeric(z.number().int().min(0)),
  },
  {
    flag: '--retry-wait-seconds',
    value: '<s>',
    description: 'base of the exponential backoff between attempts',
    defaultValue: 60,
    schema: numeric(z.number().min(0)),
  },
  {
    flag: '--timeout-seconds',
    value: '<s>',
    description: 'timeout of one attempt',
    defaultValue: 10,
    schema: numeric(z.number().positive()),
  },
  {
    flag: '--max-retry-after-seconds',
    value: '<s>',
    description: 'a Retry-After asking for longer stops the delivery as rate_limited',
    defaultValue: 3600,
    schema: numeric(z.number().min(0)),
  },
  {
    flag: '--out-dir',
    value: '<dir>',
    description: 'history of delivered reports, their signatures and manifest.jsonl',
    defaultValue: 'ops/weekly_report_history',
    schema: path,
  },
  {
    flag: '--history-retention-days',
    value: '<days>',
    description: 'delivered reports older than this are deleted (after the manifest records it)',
    defaultValue: 60,
    schema: numeric(z.number().int().min(1)),
  },
  {
    flag: '--dry-run-webhook',
    description: 'sign and send nothing; write the payload to <dry-run-dir>/<job_id>.json',
    schema: z.boolean(),
  },
  {
    flag: '--dry-run-dir',
    value: '<dir>',
    description: 'folder for dry-run payloads and <job_id>_invalid.json',
    defaultValue: 'out/weekly_report',
    schema: path,
  },
  {
    flag: '--heartbeat-file',
    value: '<path>',
    description: 'heartbeat of this job',
    defaultValue: 'ops/weekly_report_heartbeat.json',
    schema: path,
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'job lock',
    defaultValue: 'ops/.weekly.lock',
    schema: path,
  },
  {
    flag: '--force-send',
    description: 'deliver even if this week was already delivered',
    schema: z.boolean(),
  },
];

export interface WeeklyConfig {
  include?: Section[];
  week?: WeekChoice;
  destinations?: { webhooks?: string[]; fail_on_error?: boolean; dry_run?: boolean };
  /** defaults for the flags, under their snake_case names */
  [flagKey: string]: unknown;
}

/** `weekly_payload.yaml`: its own keys plus a default for every flag, validated strictly. */
export const weeklyConfigSchema = z.strictObject({
  include: z.array(z.enum(SECTIONS)).optional(),
  week: z.enum(['previous', 'current']).optional(),
  destinations: z
    .strictObject({
      webhooks: z.array(z.string().min(1)).optional(),
      fail_on_error: z.boolean().optional(),
      dry_run: z.boolean().optional(),
    })
    .optional(),
  ...Object.fromEntries(WEEKLY_OPTIONS.map((spec) => [optionKey(spec.flag), spec.schema.optional()])),
}) as unknown as z.ZodType<WeeklyConfig>;

export function weeklyFlagDefaults(config: WeeklyConfig): Record<string, unknown> {
  return { ...config, dry_run_webhook: config.dry_run_webhook ?? config.destinations?.dry_run };
}

const latencyAlertConfigSchema = z.looseObject({ critical_threshold: z.number().int().min(1).optional() });

export async function finalizeWeeklyOptions(input: ResolvedInput<WeeklyConfig>): Promise<WeeklyOptions> {
  const { values, config, root, explicit } = input;
  const text = (key: string) => values[key] as string;
  const latencyAlerts = await loadYamlConfig(latencyAlertConfigSchema, text('latency_alert_config'), {
    root,
    explicit: explicit.has('latency_alert_config'),
    flag: '--latency-alert-config',
  });
  return {
    payloadSchema: resolveAgainstRoot(root, text('payload_schema')),
    runsRoot: text('runs_root'),
    portfolioSummary: text('portfolio_summary'),
    latencyRollup: text('latency_rollup'),
    latencyRaw: text('latency_raw'),
    archiveManifest: text('archive_manifest'),
    latencyHeartbeat: text('latency_heartbeat'),
    benchmarkSummary: text('benchmark_summary'),
    healthChecks: text('health_checks'),
    criticalStreak: latencyAlerts.config.critical_threshold ?? DEFAULT_CRITICAL_STREAK,
    week: weekSelection(values.week_start as string | undefined, explicit, input.configPath, config),
    include: new Set(config.include ?? SECTIONS),
    channels: config.destinations?.webhooks ?? [],
    failOnError: config.destinations?.fail_on_error ?? true,
    webhookUrlEnv: text('webhook_url_env'),
    webhookSecretEnv: text('webhook_secret_env'),
    maxRetries: values.max_retries as number,
    retryWaitSeconds: values.retry_wait_seconds as number,
    timeoutSeconds: values.timeout_seconds as number,
    maxRetryAfterSeconds: values.max_retry_after_seconds as number,
    outDir: text('out_dir'),
    historyRetentionDays: values.history_retention_days as number,
    dryRun: values.dry_run_webhook === true,
    dryRunDir: text('dry_run_dir'),
    heartbeatFile: text('heartbeat_file'),
    lockFile: text('lock_file'),
    forceSend: values.force_send === true,
  };
}

function weekSelection(
  weekStart: string | undefined,
  explicit: ReadonlySet<string>,
  configPath: string,
  config: WeeklyConfig,
): WeeklyOptions['week'] {
  if (weekStart === undefined) return { choice: config.week ?? 'previous' };
  const parsed = parseWeekStart(weekStart);
  if (parsed.ok) return { start: parsed.start };
  if (explicit.has('week_start'))
    throw usageError(`--week-start: ${parsed.problem}`, { flag: '--week-start' });
  throw configError(`${configPath}: key week_start: ${parsed.problem}`, {
    config_path: configPath,
    key: 'week_start',
  });
}

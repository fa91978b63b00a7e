import {
  bundledSchemaPath,
  configError,
  count,
  custom,
  defineOptions,
  expectedButGot,
  flag,
  isoDate,
  type JobConfigSpec,
  loadYamlConfig,
  type OptionValues,
  optionType,
  path,
  type ResolvedInput,
  registeredJob,
  resolveAgainstRoot,
  WORKSPACE_LAYOUT,
  webhookDeliveryOptions,
} from '@obs-automation/core';
import { DEFAULT_SEND_AT, sendAtSchedule, WEEK_END_SCHEDULE, type WeeklySchedule } from './send-schedule.js';
import { parseWeekStart } from './week-window.js';
import type { WeeklyConfig } from './weekly-config.js';

export const SECTIONS = ['runs', 'latency', 'portfolio', 'benchmarks', 'health'] as const;
export type Section = (typeof SECTIONS)[number];

export const PAYLOAD_SCHEMA_FILE = 'observability_weekly_report.schema.json';
/** The latency job's default; a week window that reached it makes `latency_breach` critical. */
export const DEFAULT_CRITICAL_STREAK = 3;

const WEEKLY = registeredJob('weekly');

/** `YYYY-MM-DD`, a Monday. */
const weekStartType = optionType<Date>(
  '<YYYY-MM-DD>',
  (value) => {
    if (typeof value !== 'string') return expectedButGot('a Monday as YYYY-MM-DD', value);
    const parsed = parseWeekStart(value);
    return parsed.ok ? { value: parsed.start } : { problem: parsed.problem };
  },
  { show: isoDate },
);

export const WEEKLY_OPTIONS = defineOptions({
  weeklyPayload: flag('build the weekly payload (the default action; accepted for compatibility)'),
  payloadSchema: path('JSON Schema the payload must satisfy', {
    default: bundledSchemaPath(PAYLOAD_SCHEMA_FILE),
    defaultLabel: `the installation's schemas/${PAYLOAD_SCHEMA_FILE}`,
  }),
  runsRoot: path('folder with index.csv and <run_id>/daily.csv', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.runsRoot,
  }),
  portfolioSummary: path('portfolio summary JSON', { default: WORKSPACE_LAYOUT.portfolioSummary }),
  latencyRollup: path('hourly latency rollup CSV', { default: WORKSPACE_LAYOUT.latencyRollup }),
  latencyRaw: path('raw latency samples CSV (for exact weekly percentiles)', {
    default: WORKSPACE_LAYOUT.latencyRaw,
  }),
  archiveManifest: path('manifest of archived latency samples', {
    default: WORKSPACE_LAYOUT.latencyArchiveManifest,
  }),
  latencyHeartbeat: path('latency job heartbeat (pending_alerts)', {
    default: WORKSPACE_LAYOUT.latencyHeartbeat,
  }),
  latencyAlertConfig: path('latency alert config whose critical_threshold makes a breach streak critical', {
    value: '<yaml>',
    default: WORKSPACE_LAYOUT.latencyAlertConfig,
  }),
  benchmarkSummary: path('optional benchmark summary JSON, copied into `benchmarks` when present', {
    default: WORKSPACE_LAYOUT.benchmarkSummary,
  }),
  healthChecks: path('optional health checks JSON, copied into `health` when present', {
    default: WORKSPACE_LAYOUT.healthChecks,
  }),
  weekStart: custom(weekStartType, 'report this week (a Monday) instead of the one the schedule names'),
  catchUpWeeks: count(
    'an undelivered week up to this many weeks before the latest due one is still delivered, oldest first',
    { value: '<weeks>', default: 2, max: 52 },
  ),
  ...webhookDeliveryOptions(WEEKLY.webhook),
  outDir: path('history of delivered reports, their signatures and manifest.jsonl', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.weeklyHistoryDir,
  }),
  historyRetentionDays: count(
    'delivered reports older than this are deleted (after the manifest records it)',
    {
      value: '<days>',
      default: 60,
      min: 1,
    },
  ),
  dryRunWebhook: flag('sign and send nothing; write the payload to <dry-run-dir>/<job_id>.json', {
    flag: '--dry-run',
    aliases: ['--dry-run-webhook'],
  }),
  dryRunDir: path('folder for dry-run payloads and <job_id>_invalid.json', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.weeklyDryRunDir,
  }),
  dryRunRetentionDays: count(
    'dry-run payloads and <job_id>_invalid.json in --dry-run-dir older than this are deleted (after --retention-manifest records it)',
    { value: '<days>', default: 56, min: 1 },
  ),
  retentionManifest: path('deletions of files in --dry-run-dir, recorded before they happen', {
    value: '<jsonl>',
    default: WORKSPACE_LAYOUT.weeklyRetentionManifest,
  }),
  heartbeatFile: path('heartbeat of this job', { default: WEEKLY.heartbeatFile }),
  lockFile: path('job lock', { default: WEEKLY.lockFile }),
  forceSend: flag('deliver again a week already delivered: a new revision, webhook-id <base>:r<n>'),
});

export const WEEKLY_CONFIG: JobConfigSpec<WeeklyConfig> = {
  defaultPath: WEEKLY.configFile,
  loadSchema: async () => (await import('./weekly-config.js')).weeklyConfigSchema,
  flagDefaults: (config) => ({
    ...config,
    dry_run_webhook: config.dry_run_webhook ?? config.destinations?.dry_run,
  }),
};

type WeeklyValues = OptionValues<typeof WEEKLY_OPTIONS.declarations>;

/**
 * When reports are due: `send_at` (default Saturday 23:30 UTC), or the last complete ISO week at
 * Monday 00:00 for `week: previous`, which ignores a send time (so both together are an error).
 * `week: current` is the send-time schedule under its former name.
 */
function weeklySchedule(config: WeeklyConfig, configPath: string): WeeklySchedule {
  if (config.week === 'previous' && config.send_at) {
    throw configError(
      `${configPath}: key send_at: has no effect with week: previous (reported at Monday 00:00); remove one of the two`,
      { config_path: configPath, key: 'send_at' },
    );
  }
  return config.week === 'previous' ? WEEK_END_SCHEDULE : sendAtSchedule(config.send_at ?? DEFAULT_SEND_AT);
}

function deprecationsOf(config: WeeklyConfig, configPath: string): string[] {
  return config.week === 'current'
    ? [
        `${configPath}: key week: "current" is deprecated; the report follows the send-time schedule ` +
          '(send_at, default saturday 23:30 UTC) without it: remove the key',
      ]
    : [];
}

/** The job's options: its flags, the config's own keys, and the latency job's critical streak. */
export async function finalizeWeeklyOptions(input: ResolvedInput<WeeklyValues, WeeklyConfig>) {
  const { values, config, root, explicit, configPath } = input;
  const schedule = weeklySchedule(config, configPath);
  const latencyAlertSchema = {
    loadSchema: async () => (await import('./weekly-config.js')).latencyAlertConfigSchema,
  };
  const latencyAlerts = await loadYamlConfig(latencyAlertSchema, values.latencyAlertConfig, {
    root,
    explicit: explicit.has('latencyAlertConfig'),
    flag: '--latency-alert-config',
  });
  return {
    ...values,
    payloadSchema: resolveAgainstRoot(root, values.payloadSchema),
    criticalStreak: latencyAlerts.config.critical_threshold ?? DEFAULT_CRITICAL_STREAK,
    schedule,
    /** notes on config keys that still work but will not for ever (stderr and diagnostics) */
    deprecations: deprecationsOf(config, configPath),
    /**
     * config `include`: decides the optional sections (benchmarks, health); runs, latency and
     * portfolio are always built, they are what the report is for
     */
    include: new Set<Section>(config.include ?? SECTIONS),
    /** webhook channel names listed in every alert's `notified_channels` */
    channels: config.destinations?.webhooks ?? [],
    failOnError: config.destinations?.fail_on_error ?? true,
  };
}

export type WeeklyOptions = Awaited<ReturnType<typeof finalizeWeeklyOptions>>;

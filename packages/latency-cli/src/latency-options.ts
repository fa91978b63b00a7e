import { jobSlug, type OptionSpec, type ResolvedInput, usageError } from '@obs-automation/core';
import { z } from 'zod';
import { type AlertConfig, loadAlertConfig } from './alerts/alert-config.js';
import type { LatencyConfig, ProbeSource } from './latency-config.js';
import { parseWindow, type WindowSpec } from './rollup/window-spec.js';

export const DEFAULT_CONFIG_PATH = 'configs/observability/latency.yaml';

const pathSchema = z.string().min(1);
const positive = z.coerce.number().positive();
const windowSchema = z.string().superRefine((text, context) => {
  try {
    parseWindow(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** Options `obs-latency` and `obs-latency record` share: both must agree on the files and the lock. */
export const INPUT_OPTION: OptionSpec = {
  flag: '--input',
  value: '<csv>',
  description: 'raw latency samples',
  defaultValue: 'ops/signal_latency.csv',
  schema: pathSchema,
};
export const LOCK_FILE_OPTION: OptionSpec = {
  flag: '--lock-file',
  value: '<path>',
  description: 'lock shared by the job and record',
  defaultValue: 'ops/.latency.lock',
  schema: pathSchema,
};
export const REJECTS_FILE_OPTION: OptionSpec = {
  flag: '--rejects-file',
  value: '<csv>',
  description: 'rows that could not be read, with line and reason (appended)',
  defaultValue: 'ops/signal_latency_rejects.csv',
  schema: pathSchema,
};

export const LATENCY_OPTIONS: OptionSpec[] = [
  INPUT_OPTION,
  {
    flag: '--rollup-output',
    value: '<csv>',
    description: 'per-window rollup',
    defaultValue: 'ops/signal_latency_rollup.csv',
    schema: pathSchema,
  },
  {
    flag: '--raw-retention-days',
    value: '<days>',
    description: 'raw rows older than this move to an archive',
    defaultValue: 14,
    schema: positive,
  },
  {
    flag: '--rollup-retention-days',
    value: '<days>',
    description: 'rollup rows that ended longer ago are removed',
    defaultValue: 90,
    schema: positive,
  },
  {
    flag: '--max-raw-bytes',
    value: '<bytes>',
    description: 'a larger raw file moves every closed window to an archive',
    defaultValue: 10_485_760,
    schema: z.coerce.number().int().min(1),
  },
  {
    flag: '--archive-dir',
    value: '<dir>',
    description: 'gzip archives, as <dir>/YYYY/MM/<job_id>.csv.gz',
    defaultValue: 'ops/signal_latency_archive',
    schema: pathSchema,
  },
  {
    flag: '--archive-manifest',
    value: '<jsonl>',
    description: 'one line per archive',
    defaultValue: 'ops/signal_latency_archive/manifest.jsonl',
    schema: pathSchema,
  },
  LOCK_FILE_OPTION,
  {
    flag: '--alert-config',
    value: '<yaml>',
    description: 'SLO thresholds and webhooks',
    defaultValue: 'configs/observability/latency_alert.yaml',
    schema: pathSchema,
  },
  {
    flag: '--heartbeat-file',
    value: '<json>',
    description: 'heartbeat with the alert state',
    defaultValue: 'ops/latency_job_heartbeat.json',
    schema: pathSchema,
  },
  {
    flag: '--window',
    value: '<n>m|<n>h',
    description: 'rollup window, dividing 24h',
    defaultValue: '1h',
    schema: windowSchema,
  },
  {
    flag: '--dry-run-alert',
    description: 'send nothing; write the alert payload to <alerts-dir>/<job_id>.json',
    schema: z.boolean(),
  },
  {
    flag: '--alerts-dir',
    value: '<dir>',
    description: 'where --dry-run-alert writes',
    defaultValue: 'out/latency_alerts',
    schema: pathSchema,
  },
  REJECTS_FILE_OPTION,
];

/** The job's typed options after flag > latency.yaml > default precedence. */
export interface LatencyOptions {
  input: string;
  rollupOutput: string;
  rawRetentionDays: number;
  rollupRetentionDays: number;
  maxRawBytes: number;
  archiveDir: string;
  archiveManifest: string;
  lockFile: string;
  heartbeatFile: string;
  window: WindowSpec;
  dryRunAlert: boolean;
  alertsDir: string;
  rejectsFile: string;
  alertConfigPath: string;
  alert: AlertConfig;
  sources: ProbeSource[];
  scheduleMinutes: number;
}

/** The archive schema requires it: a manifest line names the run, and only latency runs write them. */
const LATENCY_JOB_ID = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]*latency$/;

/** A job id or name the archive manifest would refuse is a usage error, found before anything runs. */
function checkLatencyJobIdentity({ jobId, jobName }: ResolvedInput<LatencyConfig>['common']): void {
  if (jobId !== undefined && !LATENCY_JOB_ID.test(jobId)) {
    throw usageError(
      `--job-id "${jobId}" does not end in "latency"; archive manifest lines (signal_latency_archive.schema.json) require it`,
      { flag: '--job-id' },
    );
  }
  if (jobId === undefined && jobName !== undefined && !jobSlug(jobName).endsWith('latency')) {
    throw usageError(
      `--job-name "${jobName}" does not end in "latency"; archive manifest lines (signal_latency_archive.schema.json) require it`,
      { flag: '--job-name' },
    );
  }
}

export async function finalizeLatencyOptions(input: ResolvedInput<LatencyConfig>): Promise<LatencyOptions> {
  checkLatencyJobIdentity(input.common);
  const values = input.values as Record<string, string | number | boolean | undefined>;
  const alertPath = values.alert_config as string;
  const alert = await loadAlertConfig(alertPath, {
    root: input.root,
    explicit: input.explicit.has('alert_config') || input.config.alert_config !== undefined,
  });
  return {
    input: values.input as string,
    rollupOutput: values.rollup_output as string,
    rawRetentionDays: values.raw_retention_days as number,
    rollupRetentionDays: values.rollup_retention_days as number,
    maxRawBytes: values.max_raw_bytes as number,
    archiveDir: values.archive_dir as string,
    archiveManifest: values.archive_manifest as string,
    lockFile: values.lock_file as string,
    heartbeatFile: values.heartbeat_file as string,
    window: parseWindow(values.window as string),
    dryRunAlert: values.dry_run_alert === true,
    alertsDir: values.alerts_dir as string,
    rejectsFile: values.rejects_file as string,
    alertConfigPath: alert.path,
    alert: alert.config,
    sources: input.config.sources,
    scheduleMinutes: input.config.schedule_minutes,
  };
}

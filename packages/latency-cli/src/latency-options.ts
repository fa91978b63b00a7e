import {
  count,
  defineOptions,
  duration,
  flag,
  type JobConfigSpec,
  jobSlug,
  type OptionValues,
  path,
  positive,
  type ResolvedInput,
  registeredJob,
  seconds,
  usageError,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';
import type { LatencyConfig } from './latency-config.js';
import { windowProblem } from './rollup/window-spec.js';

const LATENCY = registeredJob('latency');

/**
 * How `obs-latency record` names itself: its summaries' job name, and the holder in the lock's
 * owner record — a latency run finding the lock held by it waits instead of being skipped.
 */
export const RECORD_COMMAND_NAME = 'latency-record';

/** Options `obs-latency` and `obs-latency record` share: both must agree on the files and the lock. */
export const SHARED_DECLARATIONS = {
  input: path('raw latency samples', { value: '<csv>', default: WORKSPACE_LAYOUT.latencyRaw }),
  lockFile: path('lock shared by the job and record', { default: LATENCY.lockFile }),
  rejectsFile: path('rows that could not be read, with line and reason (appended)', {
    value: '<csv>',
    default: WORKSPACE_LAYOUT.latencyRejects,
  }),
  archiveDir: path('gzip archives: one per UTC day, <dir>/YYYY/MM/YYYY-MM-DD.csv.gz', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.latencyArchiveDir,
  }),
  archiveManifest: path('one line per archive change', {
    value: '<jsonl>',
    default: WORKSPACE_LAYOUT.latencyArchiveManifest,
  }),
};

/** How long a command (`record`, `compact-archives`) waits for the lock while a job run holds it. */
export const COMMAND_LOCK_WAIT = seconds('how long to wait for the lock while a job run holds it', {
  default: 120,
});

export const LATENCY_OPTIONS = defineOptions({
  input: SHARED_DECLARATIONS.input,
  rollupOutput: path('per-window rollup', { value: '<csv>', default: WORKSPACE_LAYOUT.latencyRollup }),
  rawRetentionDays: positive('raw rows older than this move to an archive', { value: '<days>', default: 14 }),
  rollupRetentionDays: positive('rollup rows that ended longer ago are removed', {
    value: '<days>',
    default: 90,
  }),
  maxRawBytes: count('a larger raw file moves every closed window to an archive', {
    value: '<bytes>',
    default: 10_485_760,
    min: 1,
  }),
  archiveDir: SHARED_DECLARATIONS.archiveDir,
  archiveManifest: SHARED_DECLARATIONS.archiveManifest,
  lockFile: SHARED_DECLARATIONS.lockFile,
  lockWaitSeconds: seconds(
    'how long a run waits for the lock while `obs-latency record` holds it (another run holding it skips this one at once)',
    { default: 30 },
  ),
  alertConfig: path('SLO thresholds and webhooks', {
    value: '<yaml>',
    default: WORKSPACE_LAYOUT.latencyAlertConfig,
  }),
  heartbeatFile: path('heartbeat with the alert state', {
    value: '<json>',
    default: LATENCY.heartbeatFile,
  }),
  window: duration('rollup window, dividing 24h', { default: '1h', check: windowProblem }),
  dryRunAlert: flag('send nothing; write the alert payload to <alerts-dir>/<job_id>.json', {
    flag: '--dry-run',
    aliases: ['--dry-run-alert'],
  }),
  alertsDir: path('where --dry-run writes', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.latencyAlertDryRunDir,
  }),
  rejectsFile: SHARED_DECLARATIONS.rejectsFile,
  alertPayloadRetentionDays: positive('dry-run alert payloads in --alerts-dir older than this are deleted', {
    value: '<days>',
    default: 56,
  }),
  rejectsRetentionDays: positive('rows of the rejects file rejected longer ago than this are removed', {
    value: '<days>',
    default: 56,
  }),
  retentionManifest: path('deletions of alert payloads and rejected rows, recorded before they happen', {
    value: '<jsonl>',
    default: WORKSPACE_LAYOUT.latencyRetentionManifest,
  }),
});

/** latency.yaml, read by the job, `record` and `compact-archives` alike. */
export const LATENCY_CONFIG: JobConfigSpec<LatencyConfig> = {
  defaultPath: LATENCY.configFile,
  loadSchema: async () => (await import('./latency-config.js')).latencyConfigSchema,
};

type LatencyValues = OptionValues<typeof LATENCY_OPTIONS.declarations>;

/** The archive schema requires it: a manifest line names the run, and only latency runs write them. */
const LATENCY_JOB_ID = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]*latency$/;

/** A job id or name the archive manifest would refuse is a usage error, found before anything runs. */
function checkLatencyJobIdentity({
  jobId,
  jobName,
}: ResolvedInput<LatencyValues, LatencyConfig>['common']): void {
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

/** The job's options: its flags after flag > latency.yaml > default, the alert config and the probes. */
export async function finalizeLatencyOptions(input: ResolvedInput<LatencyValues, LatencyConfig>) {
  checkLatencyJobIdentity(input.common);
  const { values } = input;
  const { loadAlertConfig } = await import('./alerts/alert-config.js');
  const alert = await loadAlertConfig(values.alertConfig, {
    root: input.root,
    explicit: input.explicit.has('alertConfig') || input.fromConfig.has('alertConfig'),
  });
  return {
    ...values,
    alertConfigPath: alert.path,
    alert: alert.config,
    sources: input.config.sources,
    scheduleMinutes: input.config.schedule_minutes,
  };
}

export type LatencyOptions = Awaited<ReturnType<typeof finalizeLatencyOptions>>;

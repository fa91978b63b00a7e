import {
  count,
  DEFAULT_SEGMENT_RETENTION_DAYS,
  DEFAULT_WEBHOOK_SECRET_ENV,
  defineOptions,
  durationText,
  envName,
  flag,
  JOB_HEARTBEATS,
  JOB_SECRET_ENVS,
  jobId,
  list,
  type OptionValues,
  optionTypes,
  path,
  positive,
  type ResolvedInput,
  registeredJob,
  resolveAgainstRoot,
  SCHEDULED_JOBS,
  timestamp,
  usageError,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';
import { BUNDLE_DATASETS } from './bundle/bundle-job.js';

/** 16 MiB: about two weeks of 15-minute chains, read in a fraction of a second each night. */
export const DEFAULT_LOG_SEGMENT_BYTES = 16 * 1024 * 1024;

export const VERIFY_OPTIONS = defineOptions({
  checkLog: path("run log to check; this run's own entry is appended to it", {
    defaultLabel: `the --log-file value, ${WORKSPACE_LAYOUT.runLog}`,
  }),
  heartbeat: list(optionTypes.path, 'heartbeat to check for freshness, repeatable', {
    value: '<file>',
    default: [...JOB_HEARTBEATS],
    min: 1,
  }),
  maxHeartbeatAgeHours: positive(
    'a heartbeat whose last real success is this old (relative to --now) is stale, for every job alike',
    {
      value: '<hours>',
      defaultLabel: `each job's own: ${SCHEDULED_JOBS.filter((job) => job.name !== 'verify')
        .map((job) => `${job.name} ${durationText(job.schedule.staleAfterSeconds)}`)
        .join(', ')}`,
    },
  ),
  weeklyHeartbeat: path('weekly heartbeat whose next_due_at the weekly_overdue check judges', {
    default: registeredJob('weekly').heartbeatFile,
  }),
  weeklyOverdueHours: positive('a weekly report still undelivered this long after its send time is overdue', {
    value: '<hours>',
    default: 6,
  }),
  dashboardManifest: path('dashboard bundle manifest, checked as `obs-verify bundle` does', {
    default: WORKSPACE_LAYOUT.dashboardManifest,
  }),
  expectedDataset: list(
    optionTypes.choice(BUNDLE_DATASETS),
    `dataset the dashboard manifest must list, repeatable: ${BUNDLE_DATASETS.join(', ')}`,
    { defaultLabel: 'none required' },
  ),
  // Here --job-id names the job to trace: the verification run gets an id of its own.
  jobId: jobId('the job (or obs-daily chain) to trace: its entries, artefacts and checksums', {
    defaultLabel: 'none, no trace',
  }),
  requireJobEntry: flag('with --job-id: fail when the log has no entry for that job'),
  checkSecrets: flag('check the --secret variables: set, https URLs, signing secrets ≥ 32 characters'),
  secret: list(
    optionTypes.envName,
    'environment variable checked by --check-secrets, repeatable; values are never printed',
    { default: [...JOB_SECRET_ENVS], secretEnv: true },
  ),
  webhookSecretEnv: envName('signing secret used to verify weekly .sig files in a job trace (when set)', {
    default: DEFAULT_WEBHOOK_SECRET_ENV,
    secretEnv: true,
  }),
  full: flag(
    'read the whole run log (every sealed segment) and the whole dashboard history again, not only what the verification records do not vouch for',
  ),
  logSegmentBytes: count('seal the open run log into a gzip segment once it reaches this many bytes', {
    value: '<bytes>',
    default: DEFAULT_LOG_SEGMENT_BYTES,
    min: 1,
  }),
  segmentRetentionDays: count('delete sealed run-log segments whose last entry is older than this', {
    value: '<days>',
    default: DEFAULT_SEGMENT_RETENTION_DAYS,
    min: 1,
  }),
  since: timestamp('check the log from the first entry logged at or after this time', {
    defaultLabel: 'the whole log',
  }),
  lockFile: path('lock held by the verification run', { default: registeredJob('verify').lockFile }),
  heartbeatFile: path("this run's own heartbeat, judged by obs-status (not by obs-verify itself)", {
    default: registeredJob('verify').heartbeatFile,
  }),
});

type VerifyValues = OptionValues<typeof VERIFY_OPTIONS.declarations>;

/**
 * The run is recorded in the log it checks, whose sequence file it compares: `--check-log` alone
 * is also the run's log, and a different `--log-file` beside it is a usage error.
 */
export function finalizeVerifyOptions({
  values,
  common,
  root,
  explicit,
}: ResolvedInput<VerifyValues, unknown>) {
  const checkLog = values.checkLog ?? common.logFile;
  if (
    explicit.has('logFile') &&
    resolveAgainstRoot(root, checkLog) !== resolveAgainstRoot(root, common.logFile)
  ) {
    throw usageError(
      `--check-log ${checkLog} and --log-file ${common.logFile} differ: the verification is recorded in the log it checks, whose --sequence-file it compares`,
      { flag: '--check-log' },
    );
  }
  if (values.requireJobEntry && values.jobId === undefined) {
    throw usageError('--require-job-entry needs --job-id <id>', { flag: '--require-job-entry' });
  }
  return { ...values, checkLog, sequenceFile: common.sequenceFile, traceJobId: values.jobId };
}

export type VerifyOptions = ReturnType<typeof finalizeVerifyOptions>;

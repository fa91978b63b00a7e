import {
  DEFAULT_LOG_FILE,
  type JobDefinition,
  type OptionSpec,
  parseTimestamp,
  type ResolvedInput,
  resolveAgainstRoot,
  usageError,
  validateJobId,
} from '@obs-automation/core';
import { z } from 'zod';
import { BUNDLE_DATASETS } from './bundle/bundle-job.js';
import { DEFAULT_SECRET_ENVS } from './checks/secrets-check.js';
import { commonLogFiles } from './common-log-files.js';
import { DEFAULT_DASHBOARD_MANIFEST, DEFAULT_HEARTBEATS } from './workspace-paths.js';

export const DEFAULT_SIGNING_SECRET_ENV = 'OBS_WEBHOOK_SECRET';

export interface VerifyOptions {
  /** the log checked, which is also the log this run's own entry goes to */
  checkLog: string;
  sequenceFile: string;
  heartbeats: string[];
  maxHeartbeatAgeHours: number;
  dashboardManifest: string;
  expectedDatasets: string[];
  traceJobId: string | undefined;
  requireJobEntry: boolean;
  checkSecrets: boolean;
  secrets: string[];
  webhookSecretEnv: string;
  since: Date | undefined;
  lockFile: string;
}

const path = z.string().min(1);
const paths = z.array(path).min(1);

export const verifyOptionSpecs: OptionSpec[] = [
  {
    flag: '--check-log',
    value: '<path>',
    description: "run log to check; this run's own entry is appended to it",
    defaultLabel: `the --log-file value, ${DEFAULT_LOG_FILE}`,
    schema: path,
  },
  {
    flag: '--heartbeat',
    value: '<file>',
    description: 'heartbeat to check for freshness, repeatable',
    defaultValue: DEFAULT_HEARTBEATS,
    schema: paths,
    repeatable: true,
  },
  {
    flag: '--max-heartbeat-age-hours',
    value: '<hours>',
    description: 'a heartbeat whose last success is this old (relative to --now) is stale',
    defaultValue: 6,
    schema: z.coerce.number().positive(),
  },
  {
    flag: '--dashboard-manifest',
    value: '<path>',
    description: 'dashboard bundle manifest, checked as `obs-verify bundle` does',
    defaultValue: DEFAULT_DASHBOARD_MANIFEST,
    schema: path,
  },
  {
    flag: '--expected-dataset',
    value: '<name>',
    description: `dataset the dashboard manifest must list, repeatable: ${BUNDLE_DATASETS.join(', ')}`,
    defaultLabel: 'none required',
    schema: z.array(z.enum(BUNDLE_DATASETS)),
    repeatable: true,
  },
  {
    flag: '--require-job-entry',
    description: 'with --job-id: fail when the log has no entry for that job',
    schema: z.boolean(),
  },
  {
    flag: '--check-secrets',
    description: 'check the --secret variables: set, https URLs, signing secrets ≥ 32 characters',
    schema: z.boolean(),
  },
  {
    flag: '--secret',
    value: '<ENV>',
    description: 'environment variable checked by --check-secrets, repeatable; values are never printed',
    defaultValue: DEFAULT_SECRET_ENVS,
    schema: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')),
    repeatable: true,
    secretEnv: true,
  },
  {
    flag: '--webhook-secret-env',
    value: '<ENV>',
    description: 'signing secret used to verify weekly .sig files in a job trace (when set)',
    defaultValue: DEFAULT_SIGNING_SECRET_ENV,
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    secretEnv: true,
  },
  {
    flag: '--since',
    value: '<iso>',
    description: 'check the log from the first entry logged at or after this time',
    defaultLabel: 'the whole log',
    schema: z.string().min(1),
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'lock held by the verification run',
    defaultValue: 'ops/.verify.lock',
    schema: path,
  },
];

/** What the command line carries besides the job's own options (see verify-argv.ts). */
export interface VerifyInvocation {
  /** `--job-id`: the job to trace; the verification run keeps its own id */
  traceJobId: string | undefined;
  /** the argv the harness parses */
  argv: readonly string[];
}

/** Turns the resolved values into typed options (the log and sequence file: see commonLogFiles). */
export function finalizeVerifyOptions(
  definition: JobDefinition<VerifyOptions>,
  invocation: VerifyInvocation,
  { values, root }: ResolvedInput<Record<string, unknown>>,
): VerifyOptions {
  const { logFile, sequenceFile } = commonLogFiles(
    definition as unknown as JobDefinition<unknown, unknown>,
    invocation.argv,
  );
  const checkLog = (values.check_log as string | undefined) ?? logFile;
  if (resolveAgainstRoot(root, checkLog) !== resolveAgainstRoot(root, logFile)) {
    throw usageError(
      `--check-log ${checkLog} and --log-file ${logFile} differ: the verification is recorded in the log it checks, whose --sequence-file it compares`,
      { flag: '--check-log' },
    );
  }
  const traceJobId = invocation.traceJobId === undefined ? undefined : validateJobId(invocation.traceJobId);
  if (values.require_job_entry === true && traceJobId === undefined) {
    throw usageError('--require-job-entry needs --job-id <id>', { flag: '--require-job-entry' });
  }
  const sinceText = values.since as string | undefined;
  const since = sinceText === undefined ? undefined : parseTimestamp(sinceText);
  if (since === null)
    throw usageError(`--since "${sinceText}" is not an ISO-8601 timestamp`, { flag: '--since' });
  return {
    checkLog,
    sequenceFile,
    heartbeats: values.heartbeat as string[],
    maxHeartbeatAgeHours: values.max_heartbeat_age_hours as number,
    dashboardManifest: values.dashboard_manifest as string,
    expectedDatasets: (values.expected_dataset as string[] | undefined) ?? [],
    traceJobId,
    requireJobEntry: values.require_job_entry === true,
    checkSecrets: values.check_secrets === true,
    secrets: values.secret as string[],
    webhookSecretEnv: values.webhook_secret_env as string,
    since,
    lockFile: values.lock_file as string,
  };
}

import {
  bundledSchemaPath,
  clockSkewSeconds,
  EVENT_SEVERITY,
  type JobContext,
  type JobEvents,
  type JobOutcome,
  RUN_LOG_SCHEMA,
  runLogFiles,
  SCHEDULED_JOBS,
  schemaValidator,
} from '@obs-automation/core';
import { type CheckFailure, type CheckOutcome, skippedCheck } from './checks/check-outcome.js';
import { dashboardManifestCheck } from './checks/dashboard-manifest-check.js';
import { heartbeatCheck } from './checks/heartbeat-check.js';
import { JOB_TRACE_CHECK, jobTraceCheck } from './checks/job-trace-check.js';
import { logSchemaCheck } from './checks/log-schema-check.js';
import { logSegmentsCheck } from './checks/log-segments-check.js';
import { notificationsCheck } from './checks/notifications-check.js';
import { SECRETS_CHECK, secretsCheck } from './checks/secrets-check.js';
import { sequenceCheck } from './checks/sequence-check.js';
import { weeklyOverdueCheck } from './checks/weekly-overdue-check.js';
import { snapshotRunLog } from './log/run-log-snapshot.js';
import { keepSegments } from './log/segment-upkeep.js';
import { scanSegmentedLog } from './log/segmented-log-scan.js';
import { readVerificationRecord } from './log/verification-record.js';
import type { VerifyOptions } from './verify-options.js';

async function logChecks(options: VerifyOptions, context: JobContext) {
  const files = runLogFiles(context.root, context.resolvePath(options.checkLog));
  const sequencePath = context.resolvePath(options.sequenceFile);
  const log = files.shownLog;
  const snapshot = await snapshotRunLog(files, sequencePath);
  const started = performance.now();
  const { scan, segments } = await scanSegmentedLog({
    files,
    openLogSize: snapshot.size,
    full: options.full,
    record: await readVerificationRecord(files.verificationRecord, files.shownVerificationRecord),
    now: context.now,
    validate: await schemaValidator(bundledSchemaPath(RUN_LOG_SCHEMA)),
    since: options.since,
    traceJobId: options.traceJobId,
  });
  const durationMs = performance.now() - started;
  const checks = [
    logSchemaCheck(log, scan),
    sequenceCheck(log, context.relativePath(sequencePath), scan, snapshot.sequenceFile),
  ];
  context.checkpoint();
  const upkeep = await keepSegments({
    files,
    root: context.root,
    now: context.now,
    verifiedBytes: snapshot.size,
    segmentBytes: options.logSegmentBytes,
    logHealthy:
      options.since === undefined &&
      segments.failures.length === 0 &&
      checks.every((check) => check.status === 'pass'),
    retentionDays: options.segmentRetentionDays,
    verified: segments.verified,
    openLogRead: segments.openLogRead,
  });
  checks.push(
    logSegmentsCheck(segments, upkeep, {
      mode: options.full ? 'full' : 'incremental',
      durationMs,
      manifest: files.shownManifest,
    }),
  );
  return { log, scan, checks, written: upkeep.written };
}

async function runChecks(
  options: VerifyOptions,
  context: JobContext,
): Promise<{ checks: CheckOutcome[]; written: string[] }> {
  const { log, scan, checks, written } = await logChecks(options, context);
  const skewSeconds = clockSkewSeconds();
  for (const heartbeat of options.heartbeat) {
    context.checkpoint();
    const absolutePath = context.resolvePath(heartbeat);
    checks.push(
      await heartbeatCheck({
        file: heartbeat,
        absolutePath,
        now: context.now,
        job:
          SCHEDULED_JOBS.find(
            (job) => job.heartbeatFile !== null && context.resolvePath(job.heartbeatFile) === absolutePath,
          ) ?? null,
        maxAgeHours: options.maxHeartbeatAgeHours,
        skewSeconds,
      }),
    );
  }
  checks.push(
    await weeklyOverdueCheck(
      options.weeklyHeartbeat,
      context.resolvePath(options.weeklyHeartbeat),
      context.now,
      options.weeklyOverdueHours,
    ),
  );
  context.checkpoint();
  const { written: historyWritten, ...dashboard } = await dashboardManifestCheck({
    manifest: options.dashboardManifest,
    expectedDatasets: options.expectedDataset,
    now: context.now,
    root: context.root,
    full: options.full,
  });
  checks.push(dashboard);
  written.push(...historyWritten);
  context.checkpoint();
  checks.push(
    options.traceJobId === undefined
      ? skippedCheck(JOB_TRACE_CHECK, 'no --job-id given')
      : await jobTraceCheck({
          jobId: options.traceJobId,
          requireEntry: options.requireJobEntry,
          traced: scan?.traced ?? [],
          root: context.root,
          log,
          signingSecret: context.readSecret(options.webhookSecretEnv),
        }),
  );
  checks.push(
    await notificationsCheck(context.notifications, { abs: context.resolvePath, rel: context.relativePath }),
  );
  checks.push(
    options.checkSecrets
      ? secretsCheck(options.secret, (name) => context.readSecret(name))
      : skippedCheck(SECRETS_CHECK, 'no --check-secrets given'),
  );
  return { checks, written };
}

/** verification_failed fires while checks fail and resolves on the first passing verification. */
function verificationEvents(failures: readonly CheckFailure[], log: string): JobEvents {
  const first = failures[0];
  if (!first) return { evaluated: ['verification_failed'], firing: [] };
  const checks = [...new Set(failures.map((failure) => failure.check))];
  return {
    evaluated: ['verification_failed'],
    firing: [
      {
        event: 'verification_failed',
        severity: EVENT_SEVERITY.verification_failed,
        error_code: 'verification_failed',
        message: `obs-verify found ${failures.length} failure(s) in ${checks.join(', ')} (${[...new Set(failures.map((failure) => failure.error_code))].join(', ')}); first: ${first.message}`,
        evidence_path: log,
      },
    ],
    failureReported: true,
  };
}

function verificationOutcome(
  options: VerifyOptions,
  { checks, written }: { checks: CheckOutcome[]; written: string[] },
  log: string,
): JobOutcome {
  const failures = checks.flatMap((check) => check.failures);
  const failedChecks = [...new Set(failures.map((failure) => failure.check))];
  const first = failures[0];
  // Kept in diagnostics too: the log drops a large summary first, and the trace target must survive.
  const traced = options.traceJobId ? { traced_job_id: options.traceJobId } : {};
  return {
    status: first ? 'error' : 'ok',
    artefacts: [...new Set(written)],
    events: verificationEvents(failures, log),
    summary: {
      ...traced,
      checks: checks.map(({ name, status, details }) => ({ name, status, details })),
      failures,
    },
    diagnostics: first
      ? {
          ...traced,
          error_code: 'verification_failed',
          error_message: `${failures.length} failure(s) in ${failedChecks.join(', ')}; first: ${first.message}`,
          failed_checks: failedChecks,
          failure_codes: [...new Set(failures.map((failure) => failure.error_code))],
        }
      : traced,
  };
}

/** One obs-verify run: every check, then the outcome and the events it raises. */
export async function runVerification(options: VerifyOptions, context: JobContext): Promise<JobOutcome> {
  return verificationOutcome(options, await runChecks(options, context), options.checkLog);
}

import {
  durationText,
  freshnessProblem,
  type HeartbeatFacts,
  heartbeatFacts,
  judgeJob,
  lateAfterSeconds,
  readHeartbeat,
  registeredJob,
  SCHEDULED_JOBS,
  type ScheduledJob,
  thresholdsOf,
} from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from './check-outcome.js';

export const HEARTBEAT_CHECK = 'heartbeat_fresh';

export interface HeartbeatCheckInput {
  /** as given, root-relative */
  file: string;
  absolutePath: string;
  now: Date;
  /** the registered job whose heartbeat this path is by default, if any */
  job: ScheduledJob | null;
  /** --max-heartbeat-age-hours: replaces every job's staleness threshold */
  maxAgeHours: number | undefined;
  skewSeconds: number;
}

/** The job a heartbeat belongs to: by its path, else by its job id's slug (`…-latency`, `…-observability-latency`). */
function jobOf(input: HeartbeatCheckInput, facts: HeartbeatFacts): { job: ScheduledJob; by: string } {
  if (input.job) return { job: input.job, by: 'path' };
  const slug = facts.jobId?.replace(/^[0-9]{8}T[0-9]{6}Z-/, '') ?? '';
  const named = SCHEDULED_JOBS.find((job) => slug === job.name || slug.endsWith(`-${job.name}`));
  if (named) return { job: named, by: 'job_id' };
  // Unknown: judged as the chain, the most frequent schedule, so nothing passes as fresh too easily.
  return { job: registeredJob('daily') as ScheduledJob, by: 'default' };
}

const hours = (seconds: number) => Math.round((seconds / 3600) * 100) / 100;

/**
 * heartbeat_fresh for one file: it exists and is a JSON object, its last real success (dry runs
 * never count) is younger than the job's staleness threshold relative to the run's clock and not
 * ahead of it, and its newest real run did not fail. A job that is only late (two periods without
 * a success) passes with `freshness: "late"`; obs-status flags it.
 */
export async function heartbeatCheck(input: HeartbeatCheckInput): Promise<CheckOutcome> {
  const { file, now } = input;
  const check = new CheckBuilder(HEARTBEAT_CHECK);
  const read = await readHeartbeat(input.absolutePath, file);
  if (read.kind === 'missing') {
    check.fail('heartbeat_missing', `heartbeat ${file} does not exist`);
    return check.done({ file, exists: false });
  }
  if (read.kind === 'corrupt') {
    check.fail('heartbeat_corrupt', `heartbeat ${file} is not a JSON object: ${read.reason}`);
    return check.done({ file, exists: true });
  }
  const facts = heartbeatFacts(read.data);
  for (const field of facts.invalidFields) {
    check.fail('heartbeat_corrupt', `heartbeat ${file}: key ${field} is not what a heartbeat records there`);
  }
  const { job, by } = jobOf(input, facts);
  const staleAfterSeconds =
    input.maxAgeHours === undefined ? job.schedule.staleAfterSeconds : input.maxAgeHours * 3600;
  const thresholds = thresholdsOf(job.schedule, input.skewSeconds, staleAfterSeconds);
  const judgement = judgeJob(facts, now, thresholds);
  const age = judgement.successAgeSeconds;
  const success = facts.lastSuccessAt?.toISOString();
  const limit = `stale after ${durationText(staleAfterSeconds)}`;
  // A failed last real run explains a job that never succeeded: that failure is the finding.
  const problem = freshnessProblem(judgement);
  const explainedByFailure =
    judgement.lastRunFailed &&
    (problem === 'heartbeat_never_succeeded' || problem === 'heartbeat_dry_run_only');
  switch (explainedByFailure ? null : problem) {
    case 'heartbeat_dry_run_only':
      check.fail(
        'heartbeat_dry_run_only',
        `heartbeat ${file}: only dry runs (last ${facts.lastDryRunAt?.toISOString()}), no real success: nothing was sent or uploaded for real`,
      );
      break;
    case 'heartbeat_never_succeeded':
      check.fail('heartbeat_never_succeeded', `heartbeat ${file} records no real success`);
      break;
    case 'heartbeat_stale':
      check.fail(
        'heartbeat_stale',
        `heartbeat ${file}: last real success ${success} is ${((age ?? 0) / 3600).toFixed(1)} h old at ${now.toISOString()} (${limit})`,
      );
      break;
    case 'clock_skew':
      check.fail(
        'clock_skew',
        `heartbeat ${file}: last real success ${success} lies ${durationText(age ?? 0)} ahead of ${now.toISOString()}`,
      );
      break;
    default:
      break;
  }
  if (judgement.lastRunFailed) {
    const failure = facts.lastFailure;
    check.fail(
      'heartbeat_error',
      `heartbeat ${file}: ${facts.status === 'error' ? 'status error, ' : ''}the last real run failed${failure ? ` (last failure: ${failure.errorCode}${failure.at ? ` at ${failure.at.toISOString()}` : ''})` : ''}${success ? '' : '; no real success yet'}`,
    );
  }
  return check.done({
    file,
    exists: true,
    job: job.name,
    job_from: by,
    job_id: facts.jobId,
    status: facts.status,
    last_success_at: success ?? null,
    last_dry_run_at: facts.lastDryRunAt?.toISOString() ?? null,
    freshness: judgement.freshness,
    age_hours: age === null ? null : hours(age),
    late_after_hours: hours(lateAfterSeconds(thresholds)),
    max_age_hours: hours(staleAfterSeconds),
    threshold_from: input.maxAgeHours === undefined ? 'registry' : '--max-heartbeat-age-hours',
  });
}

import type { FreshnessState } from '../freshness.js';
import type { HeartbeatRead } from '../heartbeat.js';
import { isRealSuccess } from '../heartbeat.js';
import type { ScheduledJob } from '../job-registry.js';
import { ownWarningCode } from '../run-warning.js';
import { runbookLink } from '../runbook-link.js';
import { pendingNotificationCount } from './domain-facts.js';
import { type HeartbeatFacts, heartbeatFacts } from './heartbeat-facts.js';
import { type JudgementThresholds, judgeJob, lateAfterSeconds } from './job-judgement.js';
import type { TailEntry } from './run-log-tail.js';

/** A run's error or warning code, with where it was logged and the runbook row for it. */
export interface RunProblem {
  code: string;
  message: string | null;
  at: string | null;
  job_id: string | null;
  runbook: string;
}

/** One job as obs-status shows it and the dashboard page draws it (snake_case: it is printed as JSON). */
export interface JobHealth {
  job: string;
  binary: string;
  schedule: {
    description: string;
    period_seconds: number;
    late_after_seconds: number;
    stale_after_seconds: number;
  };
  heartbeat: {
    file: string | null;
    /** `given`: supplied by the caller (the dashboard export describing itself) */
    state: 'ok' | 'missing' | 'corrupt' | 'given';
    problem: string | null;
  };
  /** the newest run the heartbeat or the run log records, dry runs and skips included */
  last_run: {
    at: string;
    age_seconds: number;
    status: string | null;
    job_id: string | null;
    source: 'heartbeat' | 'run_log';
  } | null;
  /** the newest real (not dry-run) success */
  last_success: { at: string; age_seconds: number } | null;
  last_dry_run_at: string | null;
  freshness: FreshnessState;
  dry_run_only: boolean;
  /** the newest real outcome is a failure */
  last_run_failed: boolean;
  last_error: RunProblem | null;
  /**
   * what the newest real run noted when it ended `warning` with a problem of its own (a damaged
   * history, a notification no receiver is routed for); a latency alert alone is the latency
   * line's finding
   */
  last_warning: RunProblem | null;
  /** real runs that ended error since the last real success (from the run log's tail) */
  consecutive_failures: number;
  /** newest runs skipped in a row (a held lock, an upstream failure) */
  consecutive_skips: number;
  /** false when the streaks may continue before the part of the run log that was read */
  streaks_complete: boolean;
  pending_notifications: number | null;
}

/** What the run log's tail says about one job. */
export interface JobTail {
  lastEntry: TailEntry | null;
  lastRealSuccessAt: Date | null;
  lastError: TailEntry | null;
  /** the newest run that was neither a rehearsal nor skipped */
  lastRealRun: TailEntry | null;
  consecutiveFailures: number;
  consecutiveSkips: number;
  streaksComplete: boolean;
}

/** Walks the tail (newest first) for one job's entries: its last run, success and error, and its streaks. */
export function jobTail(jobName: string, entries: readonly TailEntry[], wholeLog: boolean): JobTail {
  const tail: JobTail = {
    lastEntry: null,
    lastRealSuccessAt: null,
    lastError: null,
    lastRealRun: null,
    consecutiveFailures: 0,
    consecutiveSkips: 0,
    streaksComplete: wholeLog,
  };
  let countingSkips = true;
  let countingFailures = true;
  for (const entry of entries) {
    if (entry.jobName !== jobName) continue;
    tail.lastEntry ??= entry;
    if (entry.status !== 'skipped' && entry.status !== 'dry_run' && !entry.dryRun) tail.lastRealRun ??= entry;
    if (countingSkips) {
      if (entry.status === 'skipped') tail.consecutiveSkips += 1;
      else countingSkips = false;
    }
    if (entry.status === 'error') {
      tail.lastError ??= entry;
      if (countingFailures) tail.consecutiveFailures += 1;
    } else if (isRealSuccess(entry.status, entry.dryRun)) {
      tail.lastRealSuccessAt ??= entry.loggedAt;
      countingFailures = false;
    }
    if (!countingSkips && !countingFailures && tail.lastError) {
      tail.streaksComplete = true;
      break;
    }
  }
  if (!countingSkips && !countingFailures) tail.streaksComplete = true;
  return tail;
}

const EMPTY_FACTS: HeartbeatFacts = {
  jobId: null,
  status: null,
  generatedAt: null,
  lastSuccessAt: null,
  lastDryRunAt: null,
  lastFailure: null,
  lastWarning: null,
  invalidFields: [],
};

function newest(...dates: (Date | null | undefined)[]): Date | null {
  return dates.reduce<Date | null>(
    (found, at) => (at && (!found || at.getTime() > found.getTime()) ? at : found),
    null,
  );
}

const ageOf = (at: Date, now: Date) => Math.round((now.getTime() - at.getTime()) / 1000);

function lastRunOf(facts: HeartbeatFacts, tail: JobTail, now: Date): JobHealth['last_run'] {
  const logged = tail.lastEntry?.loggedAt;
  // The heartbeat is written just before the log entry of the same run; the entry is final.
  if (tail.lastEntry && logged && (!facts.generatedAt || logged.getTime() >= facts.generatedAt.getTime())) {
    return {
      at: logged.toISOString(),
      age_seconds: ageOf(logged, now),
      status: tail.lastEntry.status,
      job_id: tail.lastEntry.jobId,
      source: 'run_log',
    };
  }
  if (!facts.generatedAt) return null;
  return {
    at: facts.generatedAt.toISOString(),
    age_seconds: ageOf(facts.generatedAt, now),
    status: facts.status,
    job_id: facts.jobId,
    source: 'heartbeat',
  };
}

function runProblem(code: string, message: string | null, at: Date | null, jobId: string | null): RunProblem {
  return { code, message, at: at?.toISOString() ?? null, job_id: jobId, runbook: runbookLink(code) };
}

function lastErrorOf(facts: HeartbeatFacts, tail: JobTail): JobHealth['last_error'] {
  const recorded = facts.lastFailure;
  const logged = tail.lastError;
  const loggedIsNewer =
    logged?.loggedAt && (!recorded?.at || logged.loggedAt.getTime() >= recorded.at.getTime());
  if (logged && (loggedIsNewer || !recorded)) {
    return runProblem(
      logged.errorCode ?? 'internal_error',
      logged.errorMessage,
      logged.loggedAt,
      logged.jobId,
    );
  }
  return recorded ? runProblem(recorded.errorCode, null, recorded.at, recorded.jobId) : null;
}

/**
 * The problem the newest real run ended `warning` with: from the run log's entry (it has the
 * message), or from the heartbeat's `last_warning` when the heartbeat records a newer real run
 * (written just before its log entry, so only when that entry is beyond the tail read) or the
 * log was not read. A heartbeat dated ahead of the clock is not newer: a wrong timestamp must not
 * hide a problem.
 */
function lastWarningOf(
  facts: HeartbeatFacts,
  tail: JobTail,
  now: Date,
  skewSeconds: number,
): JobHealth['last_warning'] {
  const run = tail.lastRealRun;
  const loggedAt = run?.loggedAt ?? null;
  const heartbeatIsNewer =
    facts.generatedAt !== null &&
    loggedAt !== null &&
    facts.generatedAt.getTime() <= now.getTime() + skewSeconds * 1000 &&
    facts.status !== 'skipped' &&
    facts.status !== 'dry_run' &&
    facts.generatedAt.getTime() > loggedAt.getTime();
  if (!run || heartbeatIsNewer) {
    const recorded = facts.lastWarning;
    return recorded ? runProblem(recorded.errorCode, null, recorded.at, recorded.jobId) : null;
  }
  const code = ownWarningCode({
    status: run.status,
    dryRun: run.dryRun,
    errorCode: run.errorCode,
    uncodedWarning: run.firstWarning !== null,
  });
  return code ? runProblem(code, run.errorMessage ?? run.firstWarning, run.loggedAt, run.jobId) : null;
}

export interface JobHealthInput {
  job: ScheduledJob;
  heartbeatFile: string | null;
  read: HeartbeatRead;
  /** the heartbeat came from the caller, not from the file */
  given: boolean;
  tail: JobTail;
  now: Date;
  thresholds: JudgementThresholds;
}

/** One job's health: its heartbeat and its part of the run log's tail, judged against its schedule. */
export function jobHealth(input: JobHealthInput): JobHealth {
  const { job, read, tail, now, thresholds } = input;
  const data = read.kind === 'ok' ? read.data : null;
  const facts = data ? heartbeatFacts(data) : EMPTY_FACTS;
  const lastSuccessAt = newest(facts.lastSuccessAt, tail.lastRealSuccessAt);
  const lastError = lastErrorOf(facts, tail);
  const judgement = judgeJob(
    {
      status: facts.status,
      lastSuccessAt,
      lastDryRunAt: facts.lastDryRunAt,
      lastFailure: lastError
        ? {
            errorCode: lastError.code,
            jobId: lastError.job_id,
            at: lastError.at ? new Date(lastError.at) : null,
          }
        : null,
    },
    now,
    thresholds,
  );
  const invalid =
    facts.invalidFields.length > 0 ? `unreadable fields: ${facts.invalidFields.join(', ')}` : null;
  return {
    job: job.name,
    binary: job.binary,
    schedule: {
      description: job.schedule.description,
      period_seconds: thresholds.periodSeconds,
      late_after_seconds: lateAfterSeconds(thresholds),
      stale_after_seconds: thresholds.staleAfterSeconds,
    },
    heartbeat: {
      file: input.heartbeatFile,
      state: input.given ? 'given' : read.kind,
      problem: read.kind === 'corrupt' ? read.reason : invalid,
    },
    last_run: lastRunOf(facts, tail, now),
    last_success: lastSuccessAt
      ? { at: lastSuccessAt.toISOString(), age_seconds: ageOf(lastSuccessAt, now) }
      : null,
    last_dry_run_at: facts.lastDryRunAt?.toISOString() ?? null,
    freshness: judgement.freshness,
    dry_run_only: judgement.dryRunOnly,
    last_run_failed: judgement.lastRunFailed,
    last_error: lastError,
    last_warning: lastWarningOf(facts, tail, now, thresholds.skewSeconds),
    consecutive_failures: tail.consecutiveFailures,
    consecutive_skips: tail.consecutiveSkips,
    streaks_complete: tail.streaksComplete,
    pending_notifications: data ? pendingNotificationCount(data) : null,
  };
}

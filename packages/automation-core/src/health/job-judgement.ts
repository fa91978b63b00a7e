import { type FreshnessState, judgeFreshness, LATE_AFTER_PERIODS } from '../freshness.js';
import type { JobSchedule } from '../job-registry.js';
import type { HeartbeatFacts } from './heartbeat-facts.js';

/** The thresholds one job is judged by: its schedule, maybe with an overridden staleness. */
export interface JudgementThresholds {
  periodSeconds: number;
  staleAfterSeconds: number;
  /** how far ahead of now a timestamp may lie (OBS_CLOCK_SKEW_SECONDS) */
  skewSeconds: number;
}

export function thresholdsOf(
  schedule: JobSchedule,
  skewSeconds: number,
  staleAfterSeconds: number = schedule.staleAfterSeconds,
): JudgementThresholds {
  return { periodSeconds: schedule.periodSeconds, staleAfterSeconds, skewSeconds };
}

export function lateAfterSeconds(thresholds: JudgementThresholds): number {
  return LATE_AFTER_PERIODS * thresholds.periodSeconds;
}

/** How a job stands, from what its heartbeat (and the run log) record. */
export interface JobJudgement {
  /** judged on the last real success: dry runs never count */
  freshness: FreshnessState;
  /** now minus the last real success in seconds; null without one */
  successAgeSeconds: number | null;
  /** no real success, but dry runs: a scheduler that only rehearses */
  dryRunOnly: boolean;
  /** the newest real outcome is a failure (a dry run after it does not hide it) */
  lastRunFailed: boolean;
}

export type FreshnessProblem =
  | 'heartbeat_never_succeeded'
  | 'heartbeat_dry_run_only'
  | 'heartbeat_late'
  | 'heartbeat_stale'
  | 'clock_skew';

type JudgedFacts = Pick<HeartbeatFacts, 'status' | 'lastSuccessAt' | 'lastDryRunAt' | 'lastFailure'>;

export function judgeJob(facts: JudgedFacts, now: Date, thresholds: JudgementThresholds): JobJudgement {
  const { state, ageSeconds } = judgeFreshness({
    lastSuccessAt: facts.lastSuccessAt,
    now,
    periodSeconds: thresholds.periodSeconds,
    staleAfterSeconds: thresholds.staleAfterSeconds,
    skewSeconds: thresholds.skewSeconds,
  });
  const failedAt = facts.lastFailure?.at?.getTime() ?? Number.NEGATIVE_INFINITY;
  const failureIsNewest =
    facts.lastFailure !== null && (facts.lastSuccessAt === null || failedAt > facts.lastSuccessAt.getTime());
  return {
    freshness: state,
    successAgeSeconds: ageSeconds,
    dryRunOnly: facts.lastSuccessAt === null && facts.lastDryRunAt !== null,
    lastRunFailed: facts.status === 'error' || failureIsNewest,
  };
}

/** What is wrong with a job's freshness, as the code obs-verify and obs-status report it; null when on time. */
export function freshnessProblem(judgement: JobJudgement): FreshnessProblem | null {
  switch (judgement.freshness) {
    case 'on_time':
      return null;
    case 'never':
      return judgement.dryRunOnly ? 'heartbeat_dry_run_only' : 'heartbeat_never_succeeded';
    case 'late':
      return 'heartbeat_late';
    case 'stale':
      return 'heartbeat_stale';
    case 'clock_skew':
      return 'clock_skew';
  }
}

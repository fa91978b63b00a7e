import { configError } from './job-error.js';
import { quoteUntrusted } from './message-text.js';

/**
 * How current a job's last real success is, judged the same way by every reader (obs-verify,
 * obs-status, the dashboard page): `never` without a success, `clock_skew` when the timestamp
 * lies ahead of now by more than the allowed skew (never fresh), `stale` at or past the job's
 * threshold, `late` after two periods, else `on_time`.
 */
export type FreshnessState = 'on_time' | 'late' | 'stale' | 'never' | 'clock_skew';

export interface FreshnessInput {
  lastSuccessAt: Date | null;
  now: Date;
  /** the job's schedule period (job registry) */
  periodSeconds: number;
  /** the job's staleness threshold */
  staleAfterSeconds: number;
  /** how far ahead of now a timestamp may be (default DEFAULT_CLOCK_SKEW_SECONDS) */
  skewSeconds?: number;
}

export interface FreshnessJudgement {
  state: FreshnessState;
  /** now minus lastSuccessAt in seconds (negative when it lies ahead); null for `never` */
  ageSeconds: number | null;
}

export const DEFAULT_CLOCK_SKEW_SECONDS = 300;
/** A job is late once this many periods have passed without a success. */
export const LATE_AFTER_PERIODS = 2;
export const CLOCK_SKEW_ENV = 'OBS_CLOCK_SKEW_SECONDS';

export function judgeFreshness(input: FreshnessInput): FreshnessJudgement {
  if (input.lastSuccessAt === null || Number.isNaN(input.lastSuccessAt.getTime())) {
    return { state: 'never', ageSeconds: null };
  }
  const ageSeconds = (input.now.getTime() - input.lastSuccessAt.getTime()) / 1000;
  const skewSeconds = input.skewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const state: FreshnessState =
    ageSeconds < -skewSeconds
      ? 'clock_skew'
      : ageSeconds >= input.staleAfterSeconds
        ? 'stale'
        : ageSeconds > LATE_AFTER_PERIODS * input.periodSeconds
          ? 'late'
          : 'on_time';
  return { state, ageSeconds };
}

/** True when `at` lies ahead of `now` by more than the allowed skew. */
export function isBeyondClockSkew(
  at: Date,
  now: Date,
  skewSeconds: number = DEFAULT_CLOCK_SKEW_SECONDS,
): boolean {
  return at.getTime() - now.getTime() > skewSeconds * 1000;
}

/**
 * The allowed clock skew: `OBS_CLOCK_SKEW_SECONDS` when set (a non-negative number of seconds),
 * else 300. A value that is not a number is a configuration error (exit 2).
 */
export function clockSkewSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[CLOCK_SKEW_ENV]?.trim();
  if (text === undefined || text === '') return DEFAULT_CLOCK_SKEW_SECONDS;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw configError(
      `${CLOCK_SKEW_ENV} ${quoteUntrusted(text, 40)} is not a non-negative number of seconds`,
      {
        env_var: CLOCK_SKEW_ENV,
      },
    );
  }
  return value;
}

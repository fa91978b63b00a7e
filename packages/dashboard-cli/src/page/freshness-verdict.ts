import { MS_PER_HOUR, MS_PER_MINUTE } from '@obs-automation/core';

/**
 * Whether a job's last real success is recent enough for its schedule. The page's one place for
 * this judgement, so that it can give way to a shared one without touching the page.
 */
export type FreshnessVerdict = 'on_time' | 'late' | 'stale' | 'never' | 'clock_skew';

/** A job is stale once its last success is older than this (or than twice its lateness, if longer). */
export const STALE_AFTER_MS = 6 * MS_PER_HOUR;
/** A last success further ahead of the clock than this is a skewed clock, never fresh. */
export const ALLOWED_SKEW_MS = 5 * MS_PER_MINUTE;
/** Late after this many periods without a success. */
const LATE_AFTER_PERIODS = 2;

export function freshnessVerdict(
  lastSuccessAt: Date | null,
  now: Date,
  periodSeconds: number,
  staleAfterMs: number = STALE_AFTER_MS,
): FreshnessVerdict {
  if (lastSuccessAt === null) return 'never';
  const ageMs = now.getTime() - lastSuccessAt.getTime();
  if (ageMs < -ALLOWED_SKEW_MS) return 'clock_skew';
  const lateAfterMs = LATE_AFTER_PERIODS * periodSeconds * 1000;
  if (ageMs > Math.max(staleAfterMs, 2 * lateAfterMs)) return 'stale';
  if (ageMs > lateAfterMs) return 'late';
  return 'on_time';
}

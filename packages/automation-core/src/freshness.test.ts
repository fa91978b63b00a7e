import { describe, expect, it } from 'vitest';
import { clockSkewSeconds, isBeyondClockSkew, judgeFreshness } from './freshness.js';
import { JobError } from './job-error.js';

const NOW = new Date('2026-04-01T12:00:00Z');
const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const judge = (lastSuccessAt: Date | null, skewSeconds?: number) =>
  judgeFreshness({ lastSuccessAt, now: NOW, periodSeconds: 900, staleAfterSeconds: 6 * 3600, skewSeconds });

describe('judgeFreshness', () => {
  it.each([
    [0, 'on_time'],
    [1800, 'on_time'],
    [1801, 'late'],
    [6 * 3600 - 1, 'late'],
    [6 * 3600, 'stale'],
    [-300, 'on_time'],
    [-301, 'clock_skew'],
    [-2 * 3600, 'clock_skew'],
    [-8000 * 365 * 86400, 'clock_skew'],
  ] as const)('last success %i s ago → %s', (ago, state) => {
    expect(judge(secondsBefore(ago))).toEqual({ state, ageSeconds: ago });
  });

  it('is never without a success, and honours a configured skew', () => {
    expect(judge(null)).toEqual({ state: 'never', ageSeconds: null });
    expect(judge(new Date(Number.NaN))).toEqual({ state: 'never', ageSeconds: null });
    expect(judge(secondsBefore(-60), 30).state).toBe('clock_skew');
    expect(judge(secondsBefore(-60), 0).state).toBe('clock_skew');
  });
});

describe('clock skew', () => {
  it('defaults to 300 s and reads OBS_CLOCK_SKEW_SECONDS', () => {
    expect(clockSkewSeconds({})).toBe(300);
    expect(clockSkewSeconds({ OBS_CLOCK_SKEW_SECONDS: '60' })).toBe(60);
    expect(clockSkewSeconds({ OBS_CLOCK_SKEW_SECONDS: ' ' })).toBe(300);
  });

  it('refuses a value that is not a non-negative number as a configuration error', () => {
    for (const value of ['-1', 'soon', 'Infinity']) {
      expect(() => clockSkewSeconds({ OBS_CLOCK_SKEW_SECONDS: value })).toThrow(JobError);
    }
    try {
      clockSkewSeconds({ OBS_CLOCK_SKEW_SECONDS: 'soon' });
    } catch (error) {
      expect((error as JobError).code).toBe('invalid_config');
      expect((error as JobError).exitCode).toBe(2);
    }
  });

  it('isBeyondClockSkew compares against the skew', () => {
    expect(isBeyondClockSkew(secondsBefore(-301), NOW)).toBe(true);
    expect(isBeyondClockSkew(secondsBefore(-300), NOW)).toBe(false);
  });
});

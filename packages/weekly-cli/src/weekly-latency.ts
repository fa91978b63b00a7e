import { percentile, roundMs } from '@obs-automation/core';
import type { RollupWindow } from './latency-rollup.js';
import type { WeekSample } from './week-samples.js';

export type LatencyMethod = 'exact' | 'rollup';

export interface LatencyBreach {
  hour_utc: string;
  p95_ms: number | null;
  failure_rate: number | null;
  count: number;
  breach_streak: number | null;
}

export interface LatencySection {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  samples: number;
  method: LatencyMethod;
  /** breached windows in the week */
  breach_count: number;
  /** the worst breached windows by p95 */
  breaches: LatencyBreach[];
  pending_alerts: number | null;
}

export const MAX_BREACHES_LISTED = 20;

/**
 * The week's latency figures. They are exact — percentiles over every sample of the week — when
 * the samples found in the raw file and archives cover every rollup window of the week, i.e.
 * each window has at least as many samples as the rollup counted (more means samples arrived
 * after the rollup was computed). Otherwise the hourly rollups are combined: p50 is the
 * count-weighted mean of the hourly p50, p95/p99/max the largest hourly value.
 */
export function weeklyLatency(
  windows: readonly RollupWindow[],
  samples: readonly WeekSample[],
  pendingAlerts: number | null,
): LatencySection {
  const breached = windows.filter((window) => window.breach_flag);
  const figures = samplesCoverWindows(windows, samples) ? exactFigures(samples) : rollupFigures(windows);
  return {
    ...figures,
    breach_count: breached.length,
    breaches: worstBreaches(breached),
    pending_alerts: pendingAlerts,
  };
}

type Figures = Pick<LatencySection, 'p50_ms' | 'p95_ms' | 'p99_ms' | 'max_ms' | 'samples' | 'method'>;

function samplesCoverWindows(windows: readonly RollupWindow[], samples: readonly WeekSample[]): boolean {
  const times = samples.map((sample) => sample.at).sort((a, b) => a - b);
  return windows.every(
    (window) =>
      lowerBound(times, window.end.getTime()) - lowerBound(times, window.start.getTime()) >= window.count,
  );
}

function exactFigures(samples: readonly WeekSample[]): Figures {
  const values = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const at = (p: number) => (values.length === 0 ? null : roundMs(percentile(values, p)));
  return {
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    p99_ms: at(0.99),
    max_ms: at(1),
    samples: values.length,
    method: 'exact',
  };
}

function rollupFigures(windows: readonly RollupWindow[]): Figures {
  const counted = windows.filter((window) => window.count > 0);
  let weighted = 0;
  let weight = 0;
  for (const window of counted) {
    weighted += window.p50_ms * window.count;
    weight += window.count;
  }
  // Products that overflow (a hand-edited p50 near the largest double) are weighted by share instead.
  const p50 = Number.isFinite(weighted)
    ? weighted / weight
    : counted.reduce((mean, window) => mean + window.p50_ms * (window.count / weight), 0);
  return {
    p50_ms: weight === 0 ? null : roundMs(p50),
    p95_ms: largest(counted.map((window) => window.p95_ms)),
    p99_ms: largest(counted.map((window) => window.p99_ms)),
    max_ms: largest(counted.map((window) => window.max_ms)),
    samples: counted.reduce((total, window) => total + window.count, 0),
    method: 'rollup',
  };
}

export function longestBreachStreak(windows: readonly RollupWindow[]): number {
  return windows.reduce((longest, window) => Math.max(longest, window.breach_streak ?? 0), 0);
}

function worstBreaches(breached: readonly RollupWindow[]): LatencyBreach[] {
  return [...breached]
    .sort((a, b) => b.p95_ms - a.p95_ms || a.start.getTime() - b.start.getTime())
    .slice(0, MAX_BREACHES_LISTED)
    .map((window) => ({
      hour_utc: window.hour_utc,
      p95_ms: window.p95_ms,
      failure_rate: window.failure_rate,
      count: window.count,
      breach_streak: window.breach_streak,
    }));
}

function largest(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** Index of the first element ≥ target in an ascending array. */
function lowerBound(sorted: readonly number[], target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

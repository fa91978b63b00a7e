import { JOB_REGISTRY, roundTo } from '@obs-automation/core';
import type { DeliveryChannel } from './entry-deliveries.js';
import { IntervalUnion } from './interval-union.js';
import type { KpiRun } from './kpi-run.js';
import { type DeliveryTotals, isRealSuccess, RunCounts, type StatusCounts } from './run-counts.js';
import type { SegmentKpiDigest } from './segment-kpi-digest.js';
import { SuccessStreaks } from './success-streaks.js';

/** The period of a report: [fromMs, untilMs); gaps are measured up to `endMs` (until, or now if earlier). */
export interface KpiWindow {
  fromMs: number;
  untilMs: number;
  endMs: number;
}

/** The KPIs of one job, or of all of them together (`overall`). */
export interface KpiFigures {
  runs: number;
  statuses: StatusCounts;
  /** runs that were neither dry runs nor skipped */
  real_runs: number;
  /** (ok + warning) / real runs; null without real runs */
  success_ratio: number | null;
  failures_by_code: Record<string, number>;
  /** real runs that ended `warning` with a problem of their own, by its code */
  warnings_by_code: Record<string, number>;
  skipped_by_code: Record<string, number>;
  deliveries: Record<DeliveryChannel, DeliveryTotals>;
  /** failed uploads / uploads; null without uploads */
  upload_failure_ratio: number | null;
  slo_breach: { episodes: number; hours: number };
  recovery: {
    recoveries: number;
    mean_seconds: number | null;
    longest_seconds: number | null;
    /** the first failure of a streak no success has ended yet */
    unrecovered_since: string | null;
  };
}

export interface JobKpis extends KpiFigures {
  job: string;
  /** runs that were not skipped, by their recorded duration */
  duration_seconds: { runs: number; mean: number | null; p95: number | null };
  longest_success_gap: { seconds: number; from: string; until: string };
}

export interface OverallKpis extends KpiFigures {
  /** the job with the longest stretch without a real success */
  longest_success_gap: { job: string; seconds: number; from: string; until: string } | null;
}

const SECONDS_DECIMALS = 3;
const RATIO_DECIMALS = 4;
const MS_PER_HOUR = 3_600_000;

const seconds = (ms: number) => roundTo(ms / 1000, SECONDS_DECIMALS);
const ratio = (part: number, whole: number) => (whole === 0 ? null : roundTo(part / whole, RATIO_DECIMALS));
const iso = (ms: number) => new Date(ms).toISOString();

/** Most frequent first, then by code. */
function sortedCounts(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)));
}

function breachFigures(union: IntervalUnion, window: KpiWindow): { episodes: number; hours: number } {
  const stretches = union.within(window.fromMs, window.endMs);
  const ms = stretches.reduce((sum, [start, end]) => sum + end - start, 0);
  return { episodes: stretches.length, hours: roundTo(ms / MS_PER_HOUR, SECONDS_DECIMALS) };
}

/** The figures one job's runs add up to, kept as counts until the report is made. */
class JobTally {
  /** the runs in the period */
  readonly counts = new RunCounts();
  readonly breaches = new IntervalUnion();
  /** failure streaks are followed from anywhere in the log; successes and gaps in the period */
  readonly streaks = new SuccessStreaks();

  constructor(readonly job: string) {}

  /** A run before the window: only the failure streak it may open or close. */
  observeBefore(run: KpiRun): void {
    if (run.status === 'error') this.streaks.failure(run.startedMs);
    else if (isRealSuccess(run.status)) this.streaks.endStreak();
  }

  observe(run: KpiRun, gapOriginMs: number): void {
    this.counts.add(run);
    if (run.status === 'error') this.streaks.failure(run.startedMs);
    else if (isRealSuccess(run.status)) this.streaks.success(run.startedMs, gapOriginMs);
  }

  report(window: KpiWindow, gapOriginMs: number): JobKpis {
    const { streaks, counts } = this;
    streaks.gapTo(Math.max(window.endMs, streaks.lastSuccessMs ?? gapOriginMs), gapOriginMs);
    const mean = counts.durations.mean();
    const p95 = counts.durations.percentile(0.95);
    return {
      job: this.job,
      ...figures([this], window, this.breaches),
      duration_seconds: {
        runs: counts.durations.count,
        mean: mean === null ? null : seconds(mean),
        p95: p95 === null ? null : seconds(p95),
      },
      longest_success_gap: {
        seconds: seconds(streaks.longestGap.ms),
        from: iso(streaks.longestGap.fromMs),
        until: iso(streaks.longestGap.toMs),
      },
    };
  }
}

/** The figures of one or more jobs' tallies together. */
function figures(tallies: readonly JobTally[], window: KpiWindow, breaches: IntervalUnion): KpiFigures {
  const all = new RunCounts();
  let recoveries = 0;
  let recoveryTotalMs = 0;
  let recoveryLongestMs = 0;
  let unrecoveredSinceMs: number | null = null;
  for (const { counts, streaks } of tallies) {
    all.merge(counts);
    recoveries += streaks.recoveries;
    recoveryTotalMs += streaks.recoveryTotalMs;
    recoveryLongestMs = Math.max(recoveryLongestMs, streaks.recoveryLongestMs);
    if (streaks.failingSinceMs !== null) {
      unrecoveredSinceMs = Math.min(unrecoveredSinceMs ?? streaks.failingSinceMs, streaks.failingSinceMs);
    }
  }
  const { statuses, deliveries } = all;
  const realRuns = statuses.ok + statuses.warning + statuses.error;
  return {
    runs: all.runs,
    statuses,
    real_runs: realRuns,
    success_ratio: ratio(statuses.ok + statuses.warning, realRuns),
    failures_by_code: sortedCounts(all.failures),
    warnings_by_code: sortedCounts(all.warnings),
    skipped_by_code: sortedCounts(all.skips),
    deliveries,
    upload_failure_ratio: ratio(deliveries.upload.failed, deliveries.upload.deliveries),
    slo_breach: breachFigures(breaches, window),
    recovery: {
      recoveries,
      mean_seconds: recoveries === 0 ? null : seconds(recoveryTotalMs / recoveries),
      longest_seconds: recoveries === 0 ? null : seconds(recoveryLongestMs),
      unrecovered_since: unrecoveredSinceMs === null ? null : iso(unrecoveredSinceMs),
    },
  };
}

const REGISTRY_ORDER = new Map<string, number>(JOB_REGISTRY.map((job, index) => [job.name, index]));

function byRegistryThenName(a: string, b: string): number {
  const rank = (name: string) => REGISTRY_ORDER.get(name) ?? REGISTRY_ORDER.size;
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The streaks of a job not seen yet (never changed). */
const NO_RUNS_YET = new SuccessStreaks();

/** Where a run falls: before the period, in it, or after it. */
export type PeriodPart = 'before' | 'in' | 'after';

export interface KpiResult {
  overall: OverallKpis;
  jobs: JobKpis[];
}

/**
 * Adds runs up, in log order, into the KPIs of a period. Runs before the period only carry
 * their jobs' failure streaks into it (a recovery in the period is timed from the streak's first
 * failure); runs from `until` on are not counted.
 */
export class KpiAccumulator {
  private readonly tallies = new Map<string, JobTally>();
  private readonly breaches = new IntervalUnion();
  /** where success gaps are measured from: the period's start, or the log's first entry if later */
  private gapOriginMs: number | null = null;

  constructor(private readonly window: KpiWindow) {}

  private tally(job: string): JobTally {
    let tally = this.tallies.get(job);
    if (!tally) {
      tally = new JobTally(job);
      this.tallies.set(job, tally);
    }
    return tally;
  }

  /** Where the run falls: before the period, in it, or after it. */
  add(run: KpiRun): PeriodPart {
    this.gapOriginMs ??= Math.max(this.window.fromMs, run.startedMs);
    if (run.startedMs >= this.window.untilMs) return 'after';
    const tally = this.tally(run.job);
    for (const [start, end] of run.breaches) {
      tally.breaches.add(start, end);
      this.breaches.add(start, end);
    }
    if (run.startedMs < this.window.fromMs) {
      tally.observeBefore(run);
      return 'before';
    }
    tally.observe(run, this.gapOriginMs);
    return 'in';
  }

  /**
   * Adds a sealed segment's runs from its digest, when that gives exactly what adding them one
   * by one would: all of them fall in one part of the period, and no earlier success of a job
   * is later than the job's first success in the segment. Returns that part, or null when the
   * segment's runs must be added one by one (nothing has been added then).
   */
  addDigest(digest: SegmentKpiDigest): PeriodPart | null {
    const { started } = digest;
    if (started === null) return 'in';
    const gapOriginMs = this.gapOriginMs ?? Math.max(this.window.fromMs, started.firstMs);
    const part =
      started.minMs >= this.window.untilMs
        ? 'after'
        : started.maxMs < this.window.fromMs
          ? 'before'
          : started.minMs >= this.window.fromMs && started.maxMs < this.window.untilMs
            ? 'in'
            : null;
    if (part === null) return null;
    if (
      part === 'in' &&
      !digest.jobs.every(({ job, streaks }) =>
        (this.tallies.get(job)?.streaks ?? NO_RUNS_YET).canAppend(streaks, gapOriginMs),
      )
    ) {
      return null;
    }
    this.gapOriginMs = gapOriginMs;
    if (part === 'after') return part;
    for (const { job, counts, breaches, streaks } of digest.jobs) {
      const tally = this.tally(job);
      for (const [start, end] of breaches) {
        tally.breaches.add(start, end);
        this.breaches.add(start, end);
      }
      if (part === 'before') {
        tally.streaks.appendBefore(streaks);
      } else {
        tally.counts.merge(counts);
        tally.streaks.append(streaks, gapOriginMs);
      }
    }
    return part;
  }

  result(): KpiResult {
    const origin = this.gapOriginMs ?? this.window.fromMs;
    const inWindow = [...this.tallies.values()].filter((tally) => tally.counts.runs > 0);
    const jobs = inWindow
      .sort((a, b) => byRegistryThenName(a.job, b.job))
      .map((tally) => tally.report(this.window, origin));
    const worst = jobs.reduce<JobKpis | null>(
      (longest, job) =>
        longest === null || job.longest_success_gap.seconds > longest.longest_success_gap.seconds
          ? job
          : longest,
      null,
    );
    return {
      overall: {
        ...figures(inWindow, this.window, this.breaches),
        longest_success_gap: worst ? { job: worst.job, ...worst.longest_success_gap } : null,
      },
      jobs,
    };
  }
}

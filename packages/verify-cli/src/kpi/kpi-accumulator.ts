import { JOB_REGISTRY, type JobStatus, roundTo } from '@obs-automation/core';
import { DurationCounts } from './duration-counts.js';
import type { DeliveryChannel } from './entry-deliveries.js';
import { IntervalUnion } from './interval-union.js';
import type { KpiRun } from './kpi-run.js';

/** The period of a report: [fromMs, untilMs); gaps are measured up to `endMs` (until, or now if earlier). */
export interface KpiWindow {
  fromMs: number;
  untilMs: number;
  endMs: number;
}

export interface DeliveryTotals {
  deliveries: number;
  attempts: number;
  retries: number;
  failed: number;
}

export interface StatusCounts {
  ok: number;
  warning: number;
  error: number;
  dry_run: number;
  skipped: number;
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
const CHANNELS: readonly DeliveryChannel[] = ['webhook', 'email', 'upload'];

const seconds = (ms: number) => roundTo(ms / 1000, SECONDS_DECIMALS);
const ratio = (part: number, whole: number) => (whole === 0 ? null : roundTo(part / whole, RATIO_DECIMALS));
const iso = (ms: number) => new Date(ms).toISOString();
const isRealSuccess = (status: JobStatus) => status === 'ok' || status === 'warning';

function emptyStatuses(): StatusCounts {
  return { ok: 0, warning: 0, error: 0, dry_run: 0, skipped: 0 };
}

function emptyDeliveries(): Record<DeliveryChannel, DeliveryTotals> {
  return Object.fromEntries(
    CHANNELS.map((channel) => [channel, { deliveries: 0, attempts: 0, retries: 0, failed: 0 }]),
  ) as Record<DeliveryChannel, DeliveryTotals>;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

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
  runs = 0;
  readonly statuses = emptyStatuses();
  readonly failures = new Map<string, number>();
  readonly warnings = new Map<string, number>();
  readonly skips = new Map<string, number>();
  readonly durations = new DurationCounts();
  readonly deliveries = emptyDeliveries();
  readonly breaches = new IntervalUnion();
  recoveryCount = 0;
  recoveryTotalMs = 0;
  recoveryLongestMs = 0;
  /** first failure of the current streak of failed real runs, from anywhere in the log */
  failingSinceMs: number | null = null;
  /** the last real success in the window, or where the window's gap measurement starts */
  lastSuccessMs: number | null = null;
  longestGap = { ms: -1, fromMs: 0, toMs: 0 };

  constructor(readonly job: string) {}

  /** A run before the window: only the failure streak it may open or close. */
  observeBefore(run: KpiRun): void {
    if (run.status === 'error') this.failingSinceMs ??= run.startedMs;
    else if (isRealSuccess(run.status)) this.failingSinceMs = null;
  }

  observe(run: KpiRun, gapOriginMs: number): void {
    this.runs += 1;
    this.statuses[run.status] += 1;
    if (run.status === 'error') {
      increment(this.failures, run.errorCode ?? 'unknown');
      this.failingSinceMs ??= run.startedMs;
    } else if (run.status === 'skipped') {
      increment(this.skips, run.errorCode ?? 'unknown');
    } else if (isRealSuccess(run.status)) {
      if (run.warningCode !== null) increment(this.warnings, run.warningCode);
      if (this.failingSinceMs !== null) {
        const recoveryMs = Math.max(0, run.startedMs - this.failingSinceMs);
        this.recoveryCount += 1;
        this.recoveryTotalMs += recoveryMs;
        this.recoveryLongestMs = Math.max(this.recoveryLongestMs, recoveryMs);
        this.failingSinceMs = null;
      }
      this.gapTo(run.startedMs, gapOriginMs);
      this.lastSuccessMs = Math.max(this.lastSuccessMs ?? gapOriginMs, run.startedMs);
    }
    if (run.status !== 'skipped' && run.durationMs !== null) this.durations.add(run.durationMs);
    for (const delivery of run.deliveries) {
      const totals = this.deliveries[delivery.channel];
      totals.deliveries += 1;
      totals.attempts += delivery.attempts;
      totals.retries += delivery.retries;
      if (delivery.failed) totals.failed += 1;
    }
  }

  private gapTo(toMs: number, gapOriginMs: number): void {
    const fromMs = this.lastSuccessMs ?? gapOriginMs;
    if (toMs - fromMs > this.longestGap.ms) this.longestGap = { ms: toMs - fromMs, fromMs, toMs };
  }

  report(window: KpiWindow, gapOriginMs: number): JobKpis {
    this.gapTo(Math.max(window.endMs, this.lastSuccessMs ?? gapOriginMs), gapOriginMs);
    const mean = this.durations.mean();
    const p95 = this.durations.percentile(0.95);
    return {
      job: this.job,
      ...figures([this], window, this.breaches),
      duration_seconds: {
        runs: this.durations.count,
        mean: mean === null ? null : seconds(mean),
        p95: p95 === null ? null : seconds(p95),
      },
      longest_success_gap: {
        seconds: seconds(this.longestGap.ms),
        from: iso(this.longestGap.fromMs),
        until: iso(this.longestGap.toMs),
      },
    };
  }
}

/** The figures of one or more jobs' tallies together. */
function figures(tallies: readonly JobTally[], window: KpiWindow, breaches: IntervalUnion): KpiFigures {
  const statuses = emptyStatuses();
  const failures = new Map<string, number>();
  const warnings = new Map<string, number>();
  const skips = new Map<string, number>();
  const deliveries = emptyDeliveries();
  let recoveries = 0;
  let recoveryTotalMs = 0;
  let recoveryLongestMs = 0;
  let unrecoveredSinceMs: number | null = null;
  for (const tally of tallies) {
    for (const status of Object.keys(statuses) as JobStatus[]) statuses[status] += tally.statuses[status];
    addCounts(failures, tally.failures);
    addCounts(warnings, tally.warnings);
    addCounts(skips, tally.skips);
    for (const channel of CHANNELS) {
      for (const key of ['deliveries', 'attempts', 'retries', 'failed'] as const) {
        deliveries[channel][key] += tally.deliveries[channel][key];
      }
    }
    recoveries += tally.recoveryCount;
    recoveryTotalMs += tally.recoveryTotalMs;
    recoveryLongestMs = Math.max(recoveryLongestMs, tally.recoveryLongestMs);
    if (tally.failingSinceMs !== null) {
      unrecoveredSinceMs = Math.min(unrecoveredSinceMs ?? tally.failingSinceMs, tally.failingSinceMs);
    }
  }
  const realRuns = statuses.ok + statuses.warning + statuses.error;
  return {
    runs: tallies.reduce((sum, tally) => sum + tally.runs, 0),
    statuses,
    real_runs: realRuns,
    success_ratio: ratio(statuses.ok + statuses.warning, realRuns),
    failures_by_code: sortedCounts(failures),
    warnings_by_code: sortedCounts(warnings),
    skipped_by_code: sortedCounts(skips),
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
  add(run: KpiRun): 'before' | 'in' | 'after' {
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

  result(): KpiResult {
    const origin = this.gapOriginMs ?? this.window.fromMs;
    const inWindow = [...this.tallies.values()].filter((tally) => tally.runs > 0);
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

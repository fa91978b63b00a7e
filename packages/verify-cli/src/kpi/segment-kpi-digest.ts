import { isJsonObject, type SealedSegment } from '@obs-automation/core';
import { IntervalUnion } from './interval-union.js';
import type { KpiRun } from './kpi-run.js';
import { type CorruptLine, LineKinds } from './line-kinds.js';
import { CHANNELS, DELIVERY_FIELDS, isRealSuccess, RunCounts, STATUS_NAMES } from './run-counts.js';
import type { RunLogItem } from './run-log-entries.js';
import { type StreakStretch, StreakStretchBuilder, SuccessStreaks } from './success-streaks.js';

/**
 * Changes whenever what a digest holds, or what the KPIs make of an entry, changes: a digest of
 * another format is not used (the segment is read) and the nightly verification writes it anew.
 */
export const SEGMENT_KPI_DIGEST_FORMAT = 'obs-automation/segment-kpi-digest@1';

/** One job's runs in a segment. */
export interface JobDigest {
  job: string;
  counts: RunCounts;
  /** the union of the SLO breach ranges its runs carry */
  breaches: [number, number][];
  streaks: StreakStretch;
}

/** What a sealed segment's lines add up to for the KPIs, in a form that composes with the rest of the log. */
export interface SegmentKpiDigest {
  /** the segment's file name and the SHA-256 of its gzip file, from its manifest line */
  segment: string;
  sha256: string;
  lines: number;
  runs: number;
  /** `started_at` of the first run in log order, and the earliest and latest; null without runs */
  started: { firstMs: number; minMs: number; maxMs: number } | null;
  sequenceRepairs: number;
  corrupt: { count: number; examples: CorruptLine[] };
  jobs: JobDigest[];
}

interface JobBuilder {
  counts: RunCounts;
  breaches: IntervalUnion;
  streaks: StreakStretchBuilder;
}

/** Builds a segment's digest from its lines, in order. */
export class SegmentKpiDigestBuilder {
  private readonly kinds = new LineKinds();
  private readonly jobs = new Map<string, JobBuilder>();
  private lines = 0;
  private runs = 0;
  private started: SegmentKpiDigest['started'] = null;

  constructor(private readonly segment: Pick<SealedSegment, 'file' | 'sha256'>) {}

  add(item: RunLogItem): void {
    this.lines += 1;
    const run = this.kinds.runOf(item);
    if (run !== null) this.addRun(run);
  }

  private addRun(run: KpiRun): void {
    this.runs += 1;
    const at = run.startedMs;
    this.started = this.started
      ? {
          firstMs: this.started.firstMs,
          minMs: Math.min(this.started.minMs, at),
          maxMs: Math.max(this.started.maxMs, at),
        }
      : { firstMs: at, minMs: at, maxMs: at };
    let job = this.jobs.get(run.job);
    if (!job) {
      job = { counts: new RunCounts(), breaches: new IntervalUnion(), streaks: new StreakStretchBuilder() };
      this.jobs.set(run.job, job);
    }
    job.counts.add(run);
    for (const [start, end] of run.breaches) job.breaches.add(start, end);
    if (run.status === 'error') job.streaks.failure(at);
    else if (isRealSuccess(run.status)) job.streaks.success(at);
  }

  result(): SegmentKpiDigest {
    return {
      segment: this.segment.file,
      sha256: this.segment.sha256,
      lines: this.lines,
      runs: this.runs,
      started: this.started,
      sequenceRepairs: this.kinds.sequenceRepairs,
      corrupt: { count: this.kinds.corrupt.count, examples: [...this.kinds.corrupt.items] },
      jobs: [...this.jobs].map(([job, { counts, breaches, streaks }]) => ({
        job,
        counts,
        breaches: breaches.stretches(),
        streaks,
      })),
    };
  }
}

const sortedPairs = (counts: ReadonlyMap<string, number>) =>
  [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The digest as its file holds it (snake_case, code counts as pairs so no code is an object key). */
export function segmentKpiDigestJson(digest: SegmentKpiDigest): Record<string, unknown> {
  return {
    format: SEGMENT_KPI_DIGEST_FORMAT,
    segment: digest.segment,
    sha256: digest.sha256,
    lines: digest.lines,
    runs: digest.runs,
    started: digest.started && {
      first_ms: digest.started.firstMs,
      min_ms: digest.started.minMs,
      max_ms: digest.started.maxMs,
    },
    sequence_repairs: digest.sequenceRepairs,
    // the segment a corrupt line is in is the digest's own, named again when it is read
    corrupt: {
      count: digest.corrupt.count,
      examples: digest.corrupt.examples.map(({ line, problem }) => ({ line, problem })),
    },
    jobs: digest.jobs.map(({ job, counts, breaches, streaks }) => ({
      job,
      runs: counts.runs,
      statuses: counts.statuses,
      failures: sortedPairs(counts.failures),
      warnings: sortedPairs(counts.warnings),
      skips: sortedPairs(counts.skips),
      durations: counts.durations.entries(),
      deliveries: counts.deliveries,
      breaches,
      streaks: {
        leading_failure_ms: streaks.leadingFailureMs,
        first_success_ms: streaks.firstSuccessMs,
        after: streaks.after && {
          failing_since_ms: streaks.after.failingSinceMs,
          last_success_ms: streaks.after.lastSuccessMs,
          recoveries: streaks.after.recoveries,
          recovery_total_ms: streaks.after.recoveryTotalMs,
          recovery_longest_ms: streaks.after.recoveryLongestMs,
          longest_gap:
            streaks.after.longestGap.ms < 0
              ? null
              : {
                  ms: streaks.after.longestGap.ms,
                  from_ms: streaks.after.longestGap.fromMs,
                  to_ms: streaks.after.longestGap.toMs,
                },
        },
      },
    })),
  };
}

/** Why a digest read back cannot be used. */
export class DigestRefused extends Error {}

function refuse(problem: string): never {
  throw new DigestRefused(problem);
}

function fields(value: unknown, what: string): Record<string, unknown> {
  return isJsonObject(value) ? value : refuse(`${what} is not an object`);
}

function list(value: unknown, what: string): unknown[] {
  return Array.isArray(value) ? value : refuse(`${what} is not a list`);
}

function count(value: unknown, what: string): number {
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? (value as number)
    : refuse(`${what} is not a whole number ≥ 0`);
}

/** A time in Unix milliseconds, as the KPIs read `started_at` and breach ranges. */
function millis(value: unknown, what: string): number {
  return Number.isSafeInteger(value) ? (value as number) : refuse(`${what} is not a time in milliseconds`);
}

function millisOrNull(value: unknown, what: string): number | null {
  return value === null ? null : millis(value, what);
}

function text(value: unknown, what: string): string {
  return typeof value === 'string' && value !== '' ? value : refuse(`${what} is not a text`);
}

function codeCounts(value: unknown, what: string, into: Map<string, number>): number {
  let total = 0;
  for (const pair of list(value, what)) {
    const [recordedCode, times] = list(pair, what);
    const code = text(recordedCode, `a code of ${what}`);
    const added = count(times, `a count of ${what}`);
    into.set(code, (into.get(code) ?? 0) + added);
    total += added;
  }
  return total;
}

function runCounts(value: Record<string, unknown>, what: string): RunCounts {
  const counts = new RunCounts();
  counts.runs = count(value.runs, `${what} runs`);
  const statuses = fields(value.statuses, `${what} statuses`);
  for (const status of STATUS_NAMES)
    counts.statuses[status] = count(statuses[status], `${what} statuses.${status}`);
  if (STATUS_NAMES.reduce((sum, status) => sum + counts.statuses[status], 0) !== counts.runs) {
    refuse(`${what} statuses do not add up to its runs`);
  }
  if (codeCounts(value.failures, `${what} failures`, counts.failures) !== counts.statuses.error) {
    refuse(`${what} failures do not add up to its errors`);
  }
  if (codeCounts(value.skips, `${what} skips`, counts.skips) !== counts.statuses.skipped) {
    refuse(`${what} skips do not add up to its skipped runs`);
  }
  if (
    codeCounts(value.warnings, `${what} warnings`, counts.warnings) >
    counts.statuses.warning + counts.statuses.ok
  ) {
    refuse(`${what} warnings exceed its real successes`);
  }
  for (const pair of list(value.durations, `${what} durations`)) {
    const [duration, times] = list(pair, `${what} durations`);
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
      refuse(`${what} durations hold a value that is not a duration`);
    }
    counts.durations.add(duration, count(times, `${what} durations`));
  }
  if (counts.durations.count > counts.runs - counts.statuses.skipped)
    refuse(`${what} has more durations than runs`);
  const deliveries = fields(value.deliveries, `${what} deliveries`);
  for (const channel of CHANNELS) {
    const totals = fields(deliveries[channel], `${what} deliveries.${channel}`);
    for (const field of DELIVERY_FIELDS) {
      counts.deliveries[channel][field] = count(totals[field], `${what} deliveries.${channel}.${field}`);
    }
  }
  return counts;
}

function breachRanges(value: unknown, what: string): [number, number][] {
  return list(value, what).map((pair) => {
    const [start, end] = list(pair, what);
    const range: [number, number] = [millis(start, what), millis(end, what)];
    return range[0] < range[1] ? range : refuse(`${what} holds a range that ends before it starts`);
  });
}

function streakStretch(value: unknown, what: string): StreakStretch {
  const stretch = fields(value, what);
  const firstSuccessMs = millisOrNull(stretch.first_success_ms, `${what}.first_success_ms`);
  const leadingFailureMs = millisOrNull(stretch.leading_failure_ms, `${what}.leading_failure_ms`);
  if ((firstSuccessMs === null) !== (stretch.after === null)) {
    refuse(`${what} has runs after a first success without one, or the reverse`);
  }
  if (stretch.after === null) return { leadingFailureMs, firstSuccessMs, after: null };
  const recorded = fields(stretch.after, `${what}.after`);
  const after = new SuccessStreaks();
  after.failingSinceMs = millisOrNull(recorded.failing_since_ms, `${what}.after.failing_since_ms`);
  after.lastSuccessMs = millis(recorded.last_success_ms, `${what}.after.last_success_ms`);
  after.recoveries = count(recorded.recoveries, `${what}.after.recoveries`);
  after.recoveryTotalMs = count(recorded.recovery_total_ms, `${what}.after.recovery_total_ms`);
  after.recoveryLongestMs = count(recorded.recovery_longest_ms, `${what}.after.recovery_longest_ms`);
  if (recorded.longest_gap !== null) {
    const gap = fields(recorded.longest_gap, `${what}.after.longest_gap`);
    after.longestGap = {
      ms: count(gap.ms, `${what}.after.longest_gap.ms`),
      fromMs: millis(gap.from_ms, `${what}.after.longest_gap.from_ms`),
      toMs: millis(gap.to_ms, `${what}.after.longest_gap.to_ms`),
    };
  }
  if ((after.lastSuccessMs as number) < (firstSuccessMs as number))
    refuse(`${what} ends before its first success`);
  return { leadingFailureMs, firstSuccessMs, after };
}

/** The longest problem text a digest may give a corrupt line (the KPIs' own are a few words). */
const MAX_PROBLEM_CHARS = 120;

/**
 * A digest read back from its file, checked for the segment it must describe: the same file,
 * the same SHA-256 and line count as its manifest line, and figures that add up. `shown` is the
 * segment as reports name it. Throws DigestRefused with why otherwise.
 */
export function segmentKpiDigestOf(value: unknown, segment: SealedSegment, shown: string): SegmentKpiDigest {
  const digest = fields(value, 'the digest');
  if (digest.format !== SEGMENT_KPI_DIGEST_FORMAT) refuse(`its format is not ${SEGMENT_KPI_DIGEST_FORMAT}`);
  if (digest.segment !== segment.file || digest.sha256 !== segment.sha256) {
    refuse(`it describes another segment than ${segment.file} with SHA-256 ${segment.sha256}`);
  }
  if (digest.lines !== segment.lines)
    refuse(`it counts ${String(digest.lines)} lines, not the ${segment.lines} on record`);
  const runs = count(digest.runs, 'runs');
  const sequenceRepairs = count(digest.sequence_repairs, 'sequence_repairs');
  const corrupt = fields(digest.corrupt, 'corrupt');
  const corruptCount = count(corrupt.count, 'corrupt.count');
  const examples = list(corrupt.examples, 'corrupt.examples').map((example): CorruptLine => {
    const line = fields(example, 'a corrupt line');
    const problem = text(line.problem, 'a corrupt line problem');
    if (problem.length > MAX_PROBLEM_CHARS || /\p{Cc}/u.test(problem)) {
      refuse('a corrupt line problem is not a short line of text');
    }
    return { line: count(line.line, 'a corrupt line number'), file: shown, problem };
  });
  if (examples.length > corruptCount) refuse('it lists more corrupt lines than it counts');
  if (runs + sequenceRepairs + corruptCount !== segment.lines)
    refuse('its runs, repairs and corrupt lines are not its lines');
  const jobs = list(digest.jobs, 'jobs').map((value, index): JobDigest => {
    const job = fields(value, `jobs[${index}]`);
    return {
      job: text(job.job, `jobs[${index}].job`),
      counts: runCounts(job, `jobs[${index}]`),
      breaches: breachRanges(job.breaches, `jobs[${index}].breaches`),
      streaks: streakStretch(job.streaks, `jobs[${index}].streaks`),
    };
  });
  if (new Set(jobs.map(({ job }) => job)).size !== jobs.length) refuse('it lists a job twice');
  if (jobs.reduce((sum, { counts }) => sum + counts.runs, 0) !== runs)
    refuse("its jobs' runs are not its runs");
  let started: SegmentKpiDigest['started'] = null;
  if (digest.started !== null) {
    const recorded = fields(digest.started, 'started');
    started = {
      firstMs: millis(recorded.first_ms, 'started.first_ms'),
      minMs: millis(recorded.min_ms, 'started.min_ms'),
      maxMs: millis(recorded.max_ms, 'started.max_ms'),
    };
    if (!(started.minMs <= started.firstMs && started.firstMs <= started.maxMs))
      refuse('its started times disagree');
  }
  if ((started === null) !== (runs === 0)) refuse('it has runs without started times, or the reverse');
  return {
    segment: segment.file,
    sha256: segment.sha256,
    lines: segment.lines,
    runs,
    started,
    sequenceRepairs,
    corrupt: { count: corruptCount, examples },
    jobs,
  };
}

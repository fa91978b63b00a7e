import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogFiles, type SealedSegment, sealRunLog } from '../../packages/automation-core/dist/index.js';
import { writeSegmentKpiDigest } from '../../packages/verify-cli/dist/kpi/segment-kpi-digest-file.js';
import { seededRandom } from '../../scripts/sample-workspace.mjs';
import { BIN, type CliResult, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';

// biome-ignore lint/suspicious/noExplicitAny: the test reads entries and summaries of every shape
type Json = Record<string, any>;

const FROM = '2025-09-29T00:00:00.000Z';
const UNTIL = '2025-10-06T00:00:00.000Z';
const NOW = '2025-10-06T12:00:00.000Z';
const FROM_MS = Date.parse(FROM);
const UNTIL_MS = Date.parse(UNTIL);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A run log from two days before the period to six hours after it: the chain every 15 minutes
 * with failures (and the skipped jobs after them), lock skips, dry runs, webhook, PagerDuty,
 * e-mail and upload retries, latency breaches, a stretch where the chain does not run at all,
 * nightly verifications, sequence repairs, and entries whose summary was dropped.
 */
function generateLog(): Json[] {
  const random = seededRandom(16);
  const entries: Json[] = [];
  let sequence = 0;
  const push = (at: number, job: string, status: string, fields: Json = {}) => {
    sequence += 1;
    entries.push({
      job_id: `${new Date(at).toISOString().replace(/[-:]|\.\d+/g, '')}-${job}`,
      job_name: job,
      status,
      sequence,
      logged_at: new Date(at).toISOString(),
      started_at: new Date(at).toISOString(),
      duration_ms: Math.floor(random() * 900) + 50,
      attempts: 1,
      artefacts: [],
      alerts: [],
      diagnostics: {},
      context: { commit_sha: 'test', environment: 'production', scheduler: 'cron' },
      ...fields,
    });
  };
  const outageFrom = Date.parse('2025-10-02T03:00:00Z');
  const outageUntil = Date.parse('2025-10-02T09:30:00Z');
  let breachLeft = 0;
  for (let at = FROM_MS - 2 * 24 * HOUR; at < UNTIL_MS + 6 * HOUR; at += 15 * MINUTE) {
    if (at >= outageFrom && at < outageUntil) continue;
    const dry = random() < 0.03;
    const parent = `${at}-daily`;
    if (breachLeft === 0 && random() < 0.02) breachLeft = 2 + Math.floor(random() * 8);
    const breach = breachLeft > 0;
    if (breach) breachLeft -= 1;
    const window = Math.floor(at / HOUR) * HOUR - HOUR;
    // a streak of failures that starts before the period and ends in it
    const latencyFailed = (at >= FROM_MS - 45 * MINUTE && at < FROM_MS + 30 * MINUTE) || random() < 0.05;
    const notifications: Json[] = [];
    if (breach && !dry && random() < 0.5) {
      const attempts = 1 + Math.floor(random() * 4);
      notifications.push({
        webhook: 'oncall',
        format: 'slack',
        alerts: ['latency_breach:firing'],
        delivered: attempts < 4,
        attempts,
      });
      const pagerAttempts = 2 + Math.floor(random() * 3);
      notifications.push({
        webhook: 'pager',
        format: 'pagerduty',
        alerts: ['latency_breach:firing', 'latency_data_stale:resolved'],
        delivered: true,
        attempts: pagerAttempts,
      });
      if (random() < 0.5)
        notifications.push({ webhook: 'mail', channel: 'email', alerts: [], delivered: false, attempts: 3 });
      if (random() < 0.3)
        notifications.push({
          webhook: 'unsent',
          format: 'generic',
          alerts: [],
          delivered: false,
          attempts: 0,
        });
    }
    const latencyStatus = latencyFailed ? 'error' : dry ? 'dry_run' : breach ? 'warning' : 'ok';
    push(at, 'latency', latencyStatus, {
      parent_job_id: parent,
      alerts: breach
        ? [
            {
              id: 'latency_breach',
              severity: 'critical',
              message: 'breach',
              breach_range: {
                start: new Date(window - 2 * HOUR).toISOString(),
                end: new Date(window + HOUR).toISOString(),
              },
            },
            {
              id: 'latency_data_stale',
              severity: 'warning',
              message: 'not a breach',
              breach_range: { start: FROM, end: UNTIL },
            },
          ]
        : [],
      diagnostics: latencyFailed
        ? { error_code: random() < 0.5 ? 'input_unreadable' : 'alert_delivery_failed' }
        : {},
      summary: { latest_p95_ms: 500, notifications },
    });
    const children = [latencyStatus];
    if (latencyFailed) {
      push(at, 'weekly', 'skipped', {
        parent_job_id: parent,
        attempts: 0,
        diagnostics: { error_code: 'upstream_failed' },
      });
      push(at, 'dashboard', 'skipped', {
        parent_job_id: parent,
        attempts: 0,
        diagnostics: { error_code: 'upstream_failed' },
      });
    } else {
      const delivers = !dry && (at % (24 * HOUR) === 0 || random() < 0.02);
      const weeklyAttempts = delivers ? 1 + Math.floor(random() * 3) : 0;
      const weeklyFailed = delivers && random() < 0.3;
      const weeklyStatus = dry ? 'dry_run' : weeklyFailed ? 'warning' : 'ok';
      push(at, 'weekly', weeklyStatus, {
        parent_job_id: parent,
        attempts: weeklyAttempts,
        diagnostics: weeklyFailed ? { error_code: 'webhook_failed' } : {},
        ...(random() < 0.05
          ? {}
          : { summary: { week_start: '2025-09-29', delivered: delivers && !weeklyFailed } }),
      });
      children.push(weeklyStatus);
      if (random() < 0.04) {
        push(at, 'dashboard', 'skipped', { attempts: 0, diagnostics: { error_code: 'lock_not_acquired' } });
      } else {
        const uploadFailed = !dry && random() < 0.08;
        const uploadAttempts = dry ? 0 : uploadFailed ? 3 : 1 + Math.floor(random() * 2);
        const dashboardStatus = dry ? 'dry_run' : uploadFailed ? 'error' : 'ok';
        push(at, 'dashboard', dashboardStatus, {
          parent_job_id: parent,
          diagnostics: uploadFailed ? { error_code: 'upload_failed' } : {},
          summary: {
            sequence: sequence,
            upload: dry
              ? { status: 'skipped', reason: 'dry_run', attempts: 0 }
              : { status: uploadFailed ? 'failed' : 'ok', attempts: uploadAttempts },
          },
        });
        children.push(dashboardStatus);
      }
    }
    const failed = children.includes('error');
    push(at, 'daily', failed ? 'error' : dry ? 'dry_run' : 'ok', {
      diagnostics: failed ? { error_code: 'job_failed' } : {},
    });
    if (at % (24 * HOUR) === 2 * HOUR + 30 * MINUTE) {
      const verifyFailed = random() < 0.3;
      push(at + MINUTE, 'verify', verifyFailed ? 'error' : 'ok', {
        diagnostics: verifyFailed ? { error_code: 'verification_failed' } : { reconstructed: random() < 0.2 },
      });
    }
    if (random() < 0.004) {
      // the log repairs its numbering: a warning entry without a sequence of its own
      entries.push({
        job_id: `${at}-latency`,
        job_name: 'latency',
        status: 'warning',
        logged_at: new Date(at).toISOString(),
        started_at: new Date(at).toISOString(),
        duration_ms: 0,
        attempts: 0,
        artefacts: [],
        alerts: [],
        diagnostics: { error_code: 'sequence_gap', expected: sequence, observed: sequence + 3 },
        context: { commit_sha: 'test', environment: 'production', scheduler: 'cron' },
      });
      sequence += 3;
    }
  }
  return entries;
}

const CORRUPT_LINES = [
  'this is not json',
  '[1,2,3]',
  JSON.stringify({ job_name: '', status: 'ok', started_at: FROM }),
  JSON.stringify({ job_name: 'latency', status: 'exploded', started_at: FROM }),
  JSON.stringify({ job_name: 'latency', status: 'ok', started_at: 'yesterday' }),
  '{"job_name":"latency","status":"ok","started_at":"2025-10-01T00:00:00.000Z","summ',
  '',
];

// ---- the independent computation: plain loops over the generated entries -------------------

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
/** Seconds to the millisecond, rounded in milliseconds (no binary tie such as 0.5115 × 1000). */
const seconds = (ms: number) => Math.round(ms) / 1000;
const time = (entry: Json) => Date.parse(entry.started_at);
const isRepair = (entry: Json) =>
  entry.sequence === undefined && entry.diagnostics?.error_code === 'sequence_gap';
const isSuccess = (entry: Json) => entry.status === 'ok' || entry.status === 'warning';

function countBy(entries: Json[], key: (entry: Json) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[key(entry)] = (counts[key(entry)] ?? 0) + 1;
  return counts;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * 0.95;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

function deliveriesOf(
  entry: Json,
): { channel: string; attempts: number; retries: number; failed: boolean }[] {
  const found = [];
  const summary = entry.summary ?? {};
  if (typeof summary.delivered === 'boolean' && entry.attempts >= 1) {
    found.push({
      channel: 'webhook',
      attempts: entry.attempts,
      retries: entry.attempts - 1,
      failed: !summary.delivered,
    });
  }
  for (const report of summary.notifications ?? []) {
    if (!(report.attempts >= 1)) continue;
    const messages = report.format === 'pagerduty' ? Math.max(1, report.alerts.length) : 1;
    found.push({
      channel: report.channel === 'email' || report.format === 'email' ? 'email' : 'webhook',
      attempts: report.attempts,
      retries: Math.max(0, report.attempts - messages),
      failed: report.delivered !== true,
    });
  }
  if (
    (summary.upload?.status === 'ok' || summary.upload?.status === 'failed') &&
    summary.upload.attempts >= 1
  ) {
    const attempts = summary.upload.attempts;
    found.push({
      channel: 'upload',
      attempts,
      retries: attempts - 1,
      failed: summary.upload.status === 'failed',
    });
  }
  return found;
}

function deliveryTotals(entries: Json[]) {
  const totals: Json = {};
  for (const channel of ['webhook', 'email', 'upload']) {
    const of = entries.flatMap(deliveriesOf).filter((delivery) => delivery.channel === channel);
    totals[channel] = {
      deliveries: of.length,
      attempts: of.reduce((sum, delivery) => sum + delivery.attempts, 0),
      retries: of.reduce((sum, delivery) => sum + delivery.retries, 0),
      failed: of.filter((delivery) => delivery.failed).length,
    };
  }
  return totals;
}

/** Every breach range of entries started before the end of the period, merged, clipped. */
function breaches(entries: Json[], endMs: number) {
  const ranges: [number, number][] = [];
  for (const entry of entries) {
    if (time(entry) >= UNTIL_MS) continue;
    for (const alert of entry.alerts) {
      if (alert.id === 'latency_breach')
        ranges.push([Date.parse(alert.breach_range.start), Date.parse(alert.breach_range.end)]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const clipped = merged
    .map(([start, end]) => [Math.max(start, FROM_MS), Math.min(end, endMs)])
    .filter(([start, end]) => start < end);
  return {
    episodes: clipped.length,
    hours: round(clipped.reduce((sum, [s, e]) => sum + e - s, 0) / HOUR, 3),
  };
}

/** Recoveries of one job: every streak of failed real runs (from the whole log) ended by a success in the period. */
function recoveries(jobEntries: Json[]) {
  const times: number[] = [];
  let failingSince: number | null = null;
  for (const entry of jobEntries) {
    if (time(entry) >= UNTIL_MS) break;
    if (entry.status === 'error') failingSince ??= time(entry);
    else if (isSuccess(entry)) {
      if (failingSince !== null && time(entry) >= FROM_MS) times.push(time(entry) - failingSince);
      failingSince = null;
    }
  }
  return { times, failingSince };
}

/** The figures the jobs and the overall have alike: runs, statuses, failures, skips, deliveries. */
function runFigures(entries: Json[]) {
  const statuses = countBy(entries, (entry) => entry.status);
  const real = (statuses.ok ?? 0) + (statuses.warning ?? 0) + (statuses.error ?? 0);
  const codesOf = (status: string) =>
    countBy(
      entries.filter((entry) => entry.status === status),
      (entry) => entry.diagnostics.error_code,
    );
  return {
    runs: entries.length,
    statuses: { ok: 0, warning: 0, error: 0, dry_run: 0, skipped: 0, ...statuses },
    real_runs: real,
    success_ratio: real === 0 ? null : round(((statuses.ok ?? 0) + (statuses.warning ?? 0)) / real, 4),
    failures_by_code: codesOf('error'),
    // a warning counts by its code when it has one (a breach alone has none)
    warnings_by_code: countBy(
      entries.filter((entry) => entry.status === 'warning' && entry.diagnostics.error_code),
      (entry) => entry.diagnostics.error_code,
    ),
    skipped_by_code: codesOf('skipped'),
    deliveries: deliveryTotals(entries),
  };
}

const meanSeconds = (values: number[]) =>
  values.length === 0 ? null : seconds(values.reduce((sum, value) => sum + value, 0) / values.length);

function expected(entries: Json[]) {
  const runs = entries.filter((entry) => !isRepair(entry));
  const inPeriod = runs.filter((entry) => time(entry) >= FROM_MS && time(entry) < UNTIL_MS);
  const endMs = Math.min(UNTIL_MS, Date.parse(NOW));
  const origin = Math.max(FROM_MS, time(runs[0] as Json));
  const jobs: Json = {};
  const allRecoveries: number[] = [];
  for (const job of [...new Set(inPeriod.map((entry) => entry.job_name))]) {
    const own = inPeriod.filter((entry) => entry.job_name === job);
    const durations = own
      .filter((entry) => entry.status !== 'skipped' && entry.diagnostics.reconstructed !== true)
      .map((entry) => entry.duration_ms);
    const { times, failingSince } = recoveries(runs.filter((entry) => entry.job_name === job));
    allRecoveries.push(...times);
    const points = [origin, ...own.filter(isSuccess).map(time), endMs];
    let gap = { ms: -1, from: 0, to: 0 };
    for (let index = 1; index < points.length; index += 1) {
      const length = points[index] - points[index - 1];
      if (length > gap.ms) gap = { ms: length, from: points[index - 1], to: points[index] };
    }
    jobs[job] = {
      ...runFigures(own),
      slo_breach: breaches(
        runs.filter((entry) => entry.job_name === job),
        endMs,
      ),
      duration_seconds: {
        runs: durations.length,
        mean: meanSeconds(durations),
        p95: seconds(p95(durations)),
      },
      recovery: {
        recoveries: times.length,
        mean_seconds: meanSeconds(times),
        longest_seconds: times.length === 0 ? null : Math.max(...times) / 1000,
        unrecovered_since: failingSince === null ? null : new Date(failingSince).toISOString(),
      },
      longest_success_gap: {
        seconds: gap.ms / 1000,
        from: new Date(gap.from).toISOString(),
        until: new Date(gap.to).toISOString(),
      },
    };
  }
  const uploads = deliveryTotals(inPeriod).upload;
  return {
    jobs,
    overall: {
      ...runFigures(inPeriod),
      upload_failure_ratio: round(uploads.failed / uploads.deliveries, 4),
      slo_breach: breaches(runs, endMs),
      mean_recovery_seconds: meanSeconds(allRecoveries),
    },
    before: runs.filter((entry) => time(entry) < FROM_MS).length,
    after: runs.filter((entry) => time(entry) >= UNTIL_MS).length,
    repairs: entries.filter(isRepair).length,
  };
}

// ---- the runs ----------------------------------------------------------------------------------

let root: string;
let cleanup: () => Promise<void>;
let entries: Json[];
let lines: string[];
let result: CliResult;
let summary: Json;

function runKpi(workspace: string, args: readonly string[]): Promise<CliResult> {
  return runCli(BIN.verify, ['kpi', '--root', workspace, '--now', NOW, ...args], { env: cleanEnv() });
}

beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-kpi-'));
  entries = generateLog();
  lines = entries.map((entry) => JSON.stringify(entry));
  // corrupt lines spread through the log
  for (const [index, line] of CORRUPT_LINES.entries()) lines.splice(100 + index * 97, 0, line);
  await mkdir(join(root, 'ops'));
  await writeFile(join(root, 'ops/automation_runs.log'), `${lines.join('\n')}\n`);
  result = await runKpi(root, ['--since', '2025-09-29', '--until', UNTIL]);
  summary = result.json();
});

afterAll(() => cleanup());

describe('obs-verify kpi over a generated log', () => {
  it('prints the summary and writes the report, a warning for the corrupt lines it counted', () => {
    expect(result.exitCode, result.stderr).toBe(0);
    expect(summary).toMatchObject({
      status: 'warning',
      job_name: 'verify-kpi',
      window: { from: FROM, until: UNTIL },
      report: 'reports/kpi/20250929T000000Z_20251006T000000Z.md',
      artefacts: ['reports/kpi/20250929T000000Z_20251006T000000Z.md'],
      diagnostics: { error_code: 'corrupt_log_lines' },
    });
    expect(existsSync(join(root, summary.report))).toBe(true);
  });

  it('counts every line: in the period, before, after, corrupt, repairs', () => {
    const want = expected(entries);
    expect(summary.log).toMatchObject({
      lines: entries.length + CORRUPT_LINES.length,
      entries_in_window: summary.overall.runs,
      entries_before_window: want.before,
      entries_after_window: want.after,
      corrupt_lines: CORRUPT_LINES.length,
      sequence_repairs: want.repairs,
    });
    expect(summary.log.corrupt_examples.map((example: Json) => example.problem)).toEqual([
      'not JSON',
      'not a JSON object',
      'no job_name',
      'no known status',
      'no readable started_at',
      'not JSON',
      'an empty line',
    ]);
    expect(want.repairs).toBeGreaterThan(0);
  });

  it('gives, per job, the figures of the independent computation', () => {
    const want = expected(entries).jobs;
    expect(summary.jobs.map((job: Json) => job.job)).toEqual([
      'latency',
      'weekly',
      'dashboard',
      'verify',
      'daily',
    ]);
    for (const job of summary.jobs as Json[]) {
      const { upload_failure_ratio: _ratio, job: name, ...figures } = job;
      expect(figures, name).toEqual(want[name]);
    }
  });

  it('gives the overall figures of the independent computation', () => {
    const want = expected(entries).overall;
    const overall = summary.overall;
    const { mean_recovery_seconds: _mean, ...figures } = want;
    expect(overall).toMatchObject(figures);
    expect(overall.recovery.mean_seconds).toBe(want.mean_recovery_seconds);
    const jobs = expected(entries).jobs;
    const longest = Math.max(...Object.values(jobs).map((job: Json) => job.longest_success_gap.seconds));
    expect(overall.longest_success_gap.seconds).toBe(longest);
  });

  it('covers what it is meant to measure: failures, retries on every channel, breaches, gaps, recoveries', () => {
    const overall = summary.overall;
    expect(Object.keys(overall.failures_by_code).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(overall.skipped_by_code).sort()).toEqual(['lock_not_acquired', 'upstream_failed']);
    expect(Object.keys(overall.warnings_by_code)).toEqual(['webhook_failed']);
    for (const channel of ['webhook', 'email', 'upload'])
      expect(overall.deliveries[channel].retries, channel).toBeGreaterThan(0);
    expect(overall.slo_breach.episodes).toBeGreaterThan(1);
    expect(overall.recovery.recoveries).toBeGreaterThan(5);
    // the latency streak that began 45 minutes before the period is timed from its first failure
    expect(summary.jobs[0].recovery.longest_seconds).toBeGreaterThanOrEqual(75 * 60);
    // the 6.5-hour outage of the chain is the longest stretch without a success
    expect(overall.longest_success_gap.seconds).toBeGreaterThanOrEqual(6.5 * 3600);
  });

  it('writes the report as tables, saying how many lines were corrupt', async () => {
    const report = await readFile(join(root, summary.report), 'utf8');
    expect(report).toMatch(/^# Operations KPIs: 2025-09-29T00:00:00.000Z – 2025-10-06T00:00:00.000Z\n/);
    expect(report).toContain(`**${CORRUPT_LINES.length} corrupt line(s), not counted**`);
    for (const heading of [
      '## Overall',
      '## Per job',
      '## Failures by error code',
      '## Warnings by code',
      '## Skipped runs',
      '## Deliveries and retries',
      '## SLO breaches',
    ]) {
      expect(report).toContain(`\n${heading}\n\n|`);
    }
    expect(report).toContain(`| latency | ${summary.jobs[0].runs} |`);
    expect(report).toContain('| dashboard | upload |');
  });

  it('measures --since as a duration back from --until', async () => {
    const copy = await runKpi(root, ['--since', '7d', '--until', UNTIL, '--out-dir', 'out/kpi']);
    expect(copy.exitCode).toBe(0);
    const { job_id: _a, duration_ms: _b, report: _c, artefacts: _d, ...rest } = copy.json();
    const { job_id: _e, duration_ms: _f, report: _g, artefacts: _h, ...original } = summary;
    expect(rest).toEqual(original);
    expect(copy.json().report).toBe('out/kpi/20250929T000000Z_20251006T000000Z.md');
  });
});

/**
 * What the report says of the log's figures, leaving out what differs between two runs over the
 * same entries: its id and duration, and where the corrupt lines are (a segment's line, or the
 * open log's).
 */
function figuresOf(report: Json): Json {
  const { job_id: _id, duration_ms: _ms, log, diagnostics, ...rest } = report;
  const {
    sealed_segments: _s,
    segments_from_digest: _d,
    digest_problems: _p,
    corrupt_examples: _e,
    ...counts
  } = log;
  const { error_message: _m, ...code } = diagnostics;
  return { ...rest, log: counts, diagnostics: code };
}

describe('obs-verify kpi over the same log sealed into segments', () => {
  let sealedRoot: string;
  let removeSealed: () => Promise<void>;
  let segments: SealedSegment[];
  const digestOf = (segment: SealedSegment) =>
    join(sealedRoot, 'ops/automation_runs', segment.file.replace('.log.gz', '.kpi.json'));

  beforeAll(async () => {
    ({ root: sealedRoot, cleanup: removeSealed } = await makeWorkspace('obs-kpi-sealed-'));
    await mkdir(join(sealedRoot, 'ops'));
    const logFile = join(sealedRoot, 'ops/automation_runs.log');
    await writeFile(logFile, `${lines.join('\n')}\n`);
    // segments wholly before the period, in it (two), and after it; the rest of the after part stays open
    // the generated entries in order (the corrupt lines spliced in have no time of their own)
    const firstAtOrAfter = (ms: number) =>
      lines.indexOf(JSON.stringify(entries.find((entry) => Date.parse(entry.started_at) >= ms)));
    const inPeriod = firstAtOrAfter(FROM_MS);
    const afterPeriod = firstAtOrAfter(UNTIL_MS);
    const cuts = [inPeriod, Math.floor((inPeriod + afterPeriod) / 2), afterPeriod, afterPeriod + 8];
    segments = [];
    let sealedLines = 0;
    for (const cut of cuts) {
      const size = lines
        .slice(sealedLines, cut)
        .reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0);
      const sealed = await sealRunLog(logFile, size, new Date(NOW));
      segments.push((sealed as { segment: SealedSegment }).segment);
      sealedLines = cut;
    }
    const files = runLogFiles(sealedRoot, logFile);
    for (const segment of segments) await writeSegmentKpiDigest(files, segment);
  });

  afterAll(() => removeSealed());

  it('adds up every segment from its digest to the figures of the log read line by line', async () => {
    const run = await runKpi(sealedRoot, ['--since', '2025-09-29', '--until', UNTIL]);
    expect(run.exitCode, run.stderr).toBe(0);
    const sealed = run.json();
    expect(sealed.log).toMatchObject({ sealed_segments: 4, segments_from_digest: 4, digest_problems: [] });
    expect(figuresOf(sealed)).toEqual(figuresOf(summary));
    // every corrupt line is in the first segment (before the period), named by it and its line there
    expect(sealed.log.corrupt_examples).toEqual(
      summary.log.corrupt_examples.map((example: Json) => ({
        ...example,
        file: `ops/automation_runs/${segments[0]?.file}`,
      })),
    );
    expect(await readFile(join(sealedRoot, sealed.report), 'utf8')).toContain(
      '4 sealed segment(s), 4 of them added up from their KPI digests',
    );
  });

  it('reads a segment whose digest is missing, damaged or of another segment, with the same figures', async () => {
    const [first, second, third] = segments as [SealedSegment, SealedSegment, SealedSegment];
    await rm(digestOf(first));
    await writeFile(digestOf(second), '{"format":');
    const other = JSON.parse(await readFile(digestOf(third), 'utf8'));
    await writeFile(digestOf(third), JSON.stringify({ ...other, sha256: '0'.repeat(64) }));
    const run = await runKpi(sealedRoot, ['--since', '2025-09-29', '--until', UNTIL]);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.json();
    expect(report.log).toMatchObject({ sealed_segments: 4, segments_from_digest: 1 });
    expect(report.log.digest_problems).toEqual([
      expect.stringContaining(second.file.replace('.log.gz', '.kpi.json')),
      expect.stringMatching(/describes another segment/),
    ]);
    expect(figuresOf(report)).toEqual(figuresOf(summary));
  });
});

describe('obs-verify kpi on other logs', () => {
  it('an empty log: a report that says so', async () => {
    const { root: empty, cleanup: done } = await makeWorkspace('obs-kpi-empty-');
    try {
      await mkdir(join(empty, 'ops'));
      await writeFile(join(empty, 'ops/automation_runs.log'), '');
      const run = await runKpi(empty, ['--since', '7d']);
      expect(run.exitCode, run.stdout).toBe(0);
      const report = run.json();
      expect(report).toMatchObject({ status: 'ok', jobs: [], overall: { runs: 0, success_ratio: null } });
      expect(report.log).toMatchObject({ lines: 0, corrupt_lines: 0 });
      expect(await readFile(join(empty, report.report), 'utf8')).toContain('The run log is empty');
    } finally {
      await done();
    }
  });

  it('a log with nothing in the period: a report that says so', async () => {
    const run = await runKpi(root, ['--since', '2020-01-01', '--until', '2020-02-01']);
    expect(run.exitCode).toBe(0);
    expect(run.json()).toMatchObject({ jobs: [], overall: { runs: 0 }, log: { entries_in_window: 0 } });
    expect(await readFile(join(root, run.json().report), 'utf8')).toContain('no entry in this period');
  });

  it('a missing log: missing_input, exit 1, naming it', async () => {
    const { root: bare, cleanup: done } = await makeWorkspace('obs-kpi-bare-');
    try {
      const run = await runKpi(bare, ['--since', '7d']);
      expect(run.exitCode).toBe(1);
      expect(run.json().diagnostics).toMatchObject({
        error_code: 'missing_input',
        error_message: expect.stringContaining('ops/automation_runs.log'),
      });
    } finally {
      await done();
    }
  });

  it.each([
    [['--since', 'last tuesday'], '--since'],
    [['--since', '7 days'], '--since'],
    [['--since', '0d'], '--since'],
    [['--since', ''], '--since'],
    [['--since', '2025-10-07'], '--since'],
    [['--since', '7d', '--until', 'soon'], '--until'],
    [[], '--since'],
  ])('%j is a usage error: exit 2 naming %s', async (args, flag) => {
    const run = await runKpi(root, args);
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag });
    expect(run.stderr).toMatch(/^obs-verify: invalid_usage: /);
  });
});

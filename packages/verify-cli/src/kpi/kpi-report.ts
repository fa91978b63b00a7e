import type { JobKpis, KpiFigures, KpiResult } from './kpi-accumulator.js';
import type { CorruptLine } from './line-kinds.js';
import type { DeliveryTotals } from './run-counts.js';

/** What the report says about the log it read. */
export interface LogReading {
  file: string;
  lines: number;
  entries_in_window: number;
  entries_before_window: number;
  entries_after_window: number;
  corrupt_lines: number;
  /** the first corrupt lines, with why */
  corrupt_examples: CorruptLine[];
  sequence_repairs: number;
  sealed_segments: number;
  /** sealed segments added up from their KPI digests rather than read line by line */
  segments_from_digest: number;
  /** digests that exist but could not be used (those segments were read), the first few */
  digest_problems: string[];
}

export interface KpiReportInput {
  from: string;
  until: string;
  generatedAt: string;
  jobId: string;
  log: LogReading;
  result: KpiResult;
}

/** A table cell: pipes and line breaks of names from the log cannot break the table. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return String(value)
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function percent(ratio: number | null): string | null {
  return ratio === null ? null : `${Number((ratio * 100).toFixed(2))} %`;
}

/** `1 h 5 min`, `42 s`: durations as a person reads them. */
function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function overallRows(overall: KpiResult['overall']): unknown[][] {
  const gap = overall.longest_success_gap;
  return [
    ['runs (all jobs, the chain included)', overall.runs],
    ['real runs (not dry runs, not skipped)', overall.real_runs],
    ['success ratio (ok + warning) / real runs', percent(overall.success_ratio)],
    ['failed runs', overall.statuses.error],
    ['skipped runs', overall.statuses.skipped],
    ['dry runs', overall.statuses.dry_run],
    ['SLO breach episodes', overall.slo_breach.episodes],
    ['SLO breach hours', overall.slo_breach.hours],
    [
      'webhook retries (deliveries)',
      `${overall.deliveries.webhook.retries} (${overall.deliveries.webhook.deliveries})`,
    ],
    [
      'email retries (deliveries)',
      `${overall.deliveries.email.retries} (${overall.deliveries.email.deliveries})`,
    ],
    [
      'upload retries (uploads)',
      `${overall.deliveries.upload.retries} (${overall.deliveries.upload.deliveries})`,
    ],
    ['upload failure ratio', percent(overall.upload_failure_ratio)],
    ['mean time to recovery', duration(overall.recovery.mean_seconds)],
    ['recoveries', overall.recovery.recoveries],
    ['failing since (not recovered)', overall.recovery.unrecovered_since],
    [
      'longest stretch without a real success',
      gap ? `${duration(gap.seconds)} (${gap.job}, ${gap.from} – ${gap.until})` : null,
    ],
  ];
}

function jobRows(jobs: readonly JobKpis[]): unknown[][] {
  return jobs.map((job) => [
    job.job,
    job.runs,
    job.statuses.ok,
    job.statuses.warning,
    job.statuses.error,
    job.statuses.dry_run,
    job.statuses.skipped,
    percent(job.success_ratio),
    job.duration_seconds.mean,
    job.duration_seconds.p95,
    duration(job.recovery.mean_seconds),
    duration(job.longest_success_gap.seconds),
  ]);
}

function countRows(jobs: readonly JobKpis[], pick: (job: KpiFigures) => Record<string, number>): unknown[][] {
  return jobs.flatMap((job) =>
    Object.entries(pick(job)).map(([code, count]) => [job.job, `\`${code}\``, count]),
  );
}

function deliveryRows(jobs: readonly JobKpis[]): unknown[][] {
  return jobs.flatMap((job) =>
    (Object.entries(job.deliveries) as [string, DeliveryTotals][])
      .filter(([, totals]) => totals.deliveries > 0)
      .map(([channel, totals]) => [
        job.job,
        channel,
        totals.deliveries,
        totals.attempts,
        totals.retries,
        totals.failed,
      ]),
  );
}

/** `line 12` in the open log, `ops/automation_runs/….log.gz:12` in a sealed segment. */
export function corruptLineLabel(example: { line: number; file?: string } | undefined): string {
  return example?.file === undefined ? `line ${example?.line}` : `${example.file}:${example.line}`;
}

function logParagraph(log: LogReading): string {
  const corrupt =
    log.corrupt_lines === 0
      ? 'no corrupt line'
      : `**${log.corrupt_lines} corrupt line(s), not counted** (${log.corrupt_examples
          .map((example) => `${corruptLineLabel(example)}: ${example.problem}`)
          .join('; ')}${log.corrupt_lines > log.corrupt_examples.length ? '; …' : ''})`;
  return (
    `Run log \`${log.file}\`: ${log.lines} line(s); ${log.entries_in_window} entr(ies) in the period, ` +
    `${log.entries_before_window} before it, ${log.entries_after_window} after it; ${corrupt}; ` +
    `${log.sequence_repairs} sequence repair(s).` +
    (log.sealed_segments > 0
      ? ` ${log.sealed_segments} sealed segment(s), ${log.segments_from_digest} of them added up from their KPI digests.`
      : '') +
    (log.digest_problems.length > 0
      ? ` Digests not used (their segments were read): ${log.digest_problems.map(cell).join('; ')}.`
      : '')
  );
}

/** The Markdown report of a period: what the log holds, overall and per job. */
export function kpiReportMarkdown(input: KpiReportInput): string {
  const { result, log } = input;
  const lines = [
    `# Operations KPIs: ${input.from} – ${input.until}`,
    '',
    `Generated by \`obs-verify kpi\` (${input.jobId}) at ${input.generatedAt}. Each figure is defined in`,
    '`docs/runbook.md`, "KPI report".',
    '',
    logParagraph(log),
    '',
  ];
  if (result.jobs.length === 0) {
    lines.push(
      log.lines === 0
        ? '**The run log is empty: there is nothing to report for this period.**'
        : '**The run log has no entry in this period: there is nothing to report for it.**',
      '',
    );
    return lines.join('\n');
  }
  lines.push('## Overall', '', ...table(['KPI', 'value'], overallRows(result.overall)), '');
  lines.push(
    '## Per job',
    '',
    ...table(
      [
        'job',
        'runs',
        'ok',
        'warning',
        'error',
        'dry run',
        'skipped',
        'success ratio',
        'mean s',
        'p95 s',
        'mean time to recovery',
        'longest without success',
      ],
      jobRows(result.jobs),
    ),
    '',
  );
  const failures = countRows(result.jobs, (job) => job.failures_by_code);
  lines.push('## Failures by error code', '');
  lines.push(
    ...(failures.length === 0 ? ['No run failed.'] : table(['job', 'error code', 'runs'], failures)),
    '',
  );
  const warnings = countRows(result.jobs, (job) => job.warnings_by_code);
  lines.push('## Warnings by code', '');
  lines.push(
    ...(warnings.length === 0
      ? ['No run ended warning with a problem of its own.']
      : table(['job', 'code', 'runs'], warnings)),
    '',
  );
  const skips = countRows(result.jobs, (job) => job.skipped_by_code);
  lines.push('## Skipped runs', '');
  lines.push(...(skips.length === 0 ? ['No run was skipped.'] : table(['job', 'reason', 'runs'], skips)), '');
  const deliveries = deliveryRows(result.jobs);
  lines.push('## Deliveries and retries', '');
  lines.push(
    ...(deliveries.length === 0
      ? ['No delivery was attempted.']
      : table(['job', 'channel', 'deliveries', 'attempts', 'retries', 'failed'], deliveries)),
    '',
  );
  const breaches = result.jobs
    .filter((job) => job.slo_breach.episodes > 0)
    .map((job) => [job.job, job.slo_breach.episodes, job.slo_breach.hours]);
  lines.push('## SLO breaches', '');
  lines.push(
    ...(breaches.length === 0 ? ['No SLO breach.'] : table(['job', 'episodes', 'hours'], breaches)),
    '',
  );
  return lines.join('\n');
}

import {
  ageText,
  cutToWidth,
  type HealthFinding,
  type JobHealth,
  minuteText,
  type TextStyle,
  toneOf,
  type WorkspaceHealth,
  wrapToWidth,
} from '@obs-automation/core';
import { type Cell, type Column, renderTable } from './text-table.js';

/** `2026-11-24T12:00Z`: minutes are enough on a screen; the JSON has the full timestamps. */

/** `12:00Z` on the day of `today`, else `11-23 12:00Z`. */
function shortTime(iso: string | null, today: string): string {
  if (!iso) return '—';
  return iso.slice(0, 10) === today.slice(0, 10)
    ? `${iso.slice(11, 16)}Z`
    : `${iso.slice(5, 10)} ${iso.slice(11, 16)}Z`;
}

const FRESHNESS_TEXT: Record<JobHealth['freshness'], string> = {
  on_time: 'on time',
  late: 'late',
  stale: 'stale',
  never: 'never',
  clock_skew: 'clock skew',
};

function successCell(job: JobHealth): string {
  if (job.freshness === 'never') return job.dry_run_only ? 'dry runs only' : 'never';
  const text = FRESHNESS_TEXT[job.freshness];
  return job.last_success ? `${text}, ${ageText(job.last_success.age_seconds)}` : text;
}

function streakCell(job: JobHealth): string {
  const more = job.streaks_complete ? '' : '+';
  if (job.consecutive_failures > 0) return `${job.consecutive_failures}${more} failed`;
  if (job.consecutive_skips > 0) return `${job.consecutive_skips}${more} skipped`;
  return '—';
}

/** Its newest error code, red while its newest real run failed; else the code that run warned with. */
function lastErrorCell(job: JobHealth, style: TextStyle): Cell {
  if (job.last_run_failed || !job.last_warning) {
    return { text: job.last_error?.code ?? '—', tone: job.last_run_failed ? style.red : style.dim };
  }
  return { text: job.last_warning.code, tone: style.yellow };
}

function jobTable(jobs: readonly JobHealth[], style: TextStyle, width: number): string[] {
  const columns: Column[] = [
    { header: 'JOB', cells: jobs.map((job) => ({ text: job.job, tone: style.bold })) },
    {
      header: 'LAST RUN',
      cells: jobs.map((job) => ({
        text: job.last_run
          ? `${job.last_run.status ?? '?'} ${ageText(job.last_run.age_seconds)}`
          : 'never ran',
        tone: toneOf(style, job.last_run?.status ?? 'never'),
      })),
    },
    { header: 'JOB ID', cells: jobs.map((job) => ({ text: job.last_run?.job_id ?? '—' })), minWidth: 16 },
    {
      header: 'REAL SUCCESS',
      cells: jobs.map((job) => ({ text: successCell(job), tone: toneOf(style, job.freshness) })),
    },
    {
      header: 'STREAK',
      cells: jobs.map((job) => ({
        text: streakCell(job),
        tone: job.consecutive_failures > 0 ? style.red : job.consecutive_skips > 0 ? style.yellow : undefined,
      })),
    },
    {
      header: 'LAST ERROR',
      cells: jobs.map((job) => lastErrorCell(job, style)),
      minWidth: 10,
    },
  ];
  return renderTable(columns, width, style);
}

type StatusDocument = WorkspaceHealth & { attention: number };

/** One line per domain: the latency alert and p95, the weekly report, the dashboard bundle, the run log. */
function domainLines(doc: StatusDocument): [string, string][] {
  const lines: [string, string][] = [];
  const { latency, weekly, dashboard, run_log: log } = doc;
  if (latency) {
    const streak = latency.breach_streak ? ` (${latency.breach_streak} windows)` : '';
    const alert =
      latency.alert.severity === 'none'
        ? `no alert${streak}`
        : `${latency.alert.severity} ${latency.alert.alert_id ?? 'alert'}${streak}`;
    const slo = latency.slo ? ` ${latency.p95_over_slo ? '>' : '≤'} ${latency.slo.p95_ms} ms SLO` : ' ms';
    const p95 =
      latency.latest.p95_ms === null
        ? 'p95 unknown'
        : `p95 ${Math.round(latency.latest.p95_ms)}${slo} (${shortTime(latency.latest.window, doc.checked_at)})`;
    lines.push(['latency', [alert, p95, `pending ${latency.pending_notifications ?? 0}`].join(' · ')]);
  }
  if (weekly) {
    lines.push([
      'weekly',
      [
        `last delivered week ${weekly.last_delivered_week_start ?? 'none'}`,
        weekly.next_due_at
          ? `next due ${minuteText(weekly.next_due_at)}${weekly.overdue ? ' (overdue)' : ''}`
          : null,
      ]
        .filter((part) => part !== null)
        .join(' · '),
    ]);
  }
  if (dashboard) {
    lines.push([
      'dashboard',
      dashboard.state === 'ok'
        ? `bundle ${dashboard.sequence ?? '?'}, written ${dashboard.age_seconds === null ? '?' : ageText(dashboard.age_seconds)}${dashboard.page ? ` · page ${dashboard.page}` : ''}`
        : `no bundle (${dashboard.manifest} ${dashboard.state})`,
    ]);
  }
  const gaps = log.jumps.length === 0 ? 'no gap' : `${log.jumps.length} gap(s)`;
  lines.push([
    'run log',
    log.state === 'ok'
      ? `sequence ${log.last_sequence ?? '—'} (file ${log.sequence_file.value ?? log.sequence_file.state}) · last ${log.entries_scanned} entries${log.scanned_whole_log ? ' (all)' : ''}: ${gaps}`
      : `${log.file ?? 'run log'} ${log.state}`,
  ]);
  return lines;
}

const FINDING_MESSAGE_LINES = 3;

/** A finding in three lines or so: the job and code, what is wrong, then the runbook anchor and the next step. */
function findingLines(finding: HealthFinding, style: TextStyle, width: number): string[] {
  const tone = toneOf(style, finding.severity);
  const marker = finding.severity === 'critical' ? '✖' : '!';
  const head = `${marker} ${(finding.job ?? 'workspace').padEnd(10)} `;
  const indent = ' '.repeat(head.length);
  const room = width - head.length;
  const [first = '', ...rest] = wrapToWidth(
    `${finding.code}: ${finding.message}`,
    room,
    FINDING_MESSAGE_LINES,
  );
  return [
    `${tone(head)}${first.replace(finding.code, tone(finding.code))}`,
    ...rest.map((line) => `${indent}${line}`),
    ...wrapToWidth(`${finding.runbook} · ${finding.action}`, room - 2, 2).map(
      (line, index) => `${indent}${index === 0 ? style.cyan('→') : ' '} ${line}`,
    ),
  ];
}

/**
 * The terminal form of obs-status: a header with the verdict, one table row per job, one line
 * per domain, then each finding with its runbook anchor and the next step. Every line fits
 * `width` columns (100 on the sample workspace); colour comes from `style` only.
 */
export function renderStatusScreen(
  summary: Record<string, unknown>,
  style: TextStyle,
  width: number,
): string {
  const doc = summary as unknown as StatusDocument;
  const verdict =
    doc.verdict === 'healthy'
      ? style.green(style.bold('HEALTHY'))
      : style.red(style.bold(`NEEDS ATTENTION: ${doc.attention}`));
  const header = `${style.bold('obs-status')}  ${cutToWidth(doc.root, Math.max(10, width - 60))}  ${minuteText(doc.checked_at)}`;
  const lines = [`${header}  ${verdict}`, '', ...jobTable(doc.jobs, style, width), ''];
  for (const [label, text] of domainLines(doc)) {
    lines.push(`${style.bold(label.padEnd(10))}${cutToWidth(text, width - 10)}`);
  }
  lines.push('');
  if (doc.findings.length === 0) {
    lines.push(style.green('✔ every job on time, no alert raised, nothing pending'));
  } else {
    for (const finding of doc.findings) lines.push(...findingLines(finding, style, width));
  }
  return `${lines.join('\n')}\n`;
}

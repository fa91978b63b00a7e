import type { FreshnessState } from '@obs-automation/core';
import type { HealthRow } from './health-view.js';
import { type Cell, table } from './html-table.js';
import { escapeHtml } from './html-text.js';
import { formatAge, formatTime, timeElement } from './page-format.js';
import { badge, code, notice, section, type Tone } from './page-markup.js';
import type { PageModel } from './page-model.js';

const VERDICTS: Record<FreshnessState, [Tone, string]> = {
  on_time: ['ok', 'on time'],
  late: ['warning', 'late'],
  stale: ['error', 'stale'],
  never: ['error', 'never succeeded'],
  clock_skew: ['error', 'clock skew'],
};

function statusTone(status: string | null): Tone {
  if (status === 'ok' || status === 'dry_run') return 'ok';
  if (status === 'warning' || status === 'skipped') return 'warning';
  if (status === 'error') return 'error';
  return 'muted';
}

function healthRowCells(row: HealthRow, model: PageModel): { cells: Cell[]; attributes: Cell['attributes'] } {
  const now = new Date(model.generatedAt);
  // the code a `warning` status stands for, shown under it (a latency alert alone has none)
  const warningCode = row.status === 'warning' ? row.lastWarningCode : null;
  const [verdictTone, verdictText] = row.dryRunOnly
    ? (['warning', 'dry runs only'] as const)
    : VERDICTS[row.verdict];
  const lastRun =
    row.source === 'missing'
      ? `${badge('muted', 'no heartbeat yet')} ${code(row.heartbeat ?? '')}`
      : row.source === 'corrupt'
        ? `${badge('error', 'unreadable heartbeat')} ${code(row.heartbeat ?? '')}`
        : `${timeElement(row.lastRunAt)}${row.lastRunAt ? ` <span class="muted">(${escapeHtml(formatAge(row.lastRunAt, now))})</span>` : ''}${row.source === 'this_export' ? ' <span class="muted">(this export)</span>' : ''}`;
  return {
    attributes: { 'data-job': row.job, 'data-source': row.source },
    cells: [
      { html: `${code(row.binary)}<br><span class="muted">${escapeHtml(row.schedule)}</span>` },
      { html: lastRun, attributes: { 'data-field': 'last_run_at', 'data-value': row.lastRunAt ?? '' } },
      {
        html: row.status
          ? `${badge(statusTone(row.status), row.status)}${warningCode ? `<br>${code(warningCode)}` : ''}`
          : '—',
        attributes: {
          'data-field': 'status',
          'data-value': row.status ?? '',
          'data-warning-code': warningCode ?? '',
        },
      },
      {
        html: row.jobId ? code(row.jobId) : '—',
        attributes: { 'data-field': 'job_id', 'data-value': row.jobId ?? '' },
      },
      {
        html: `${timeElement(row.lastSuccessAt)}${row.lastSuccessAt ? `<br><span class="muted">${escapeHtml(formatAge(row.lastSuccessAt, now))}</span>` : ''}`,
        attributes: { 'data-field': 'last_success_at', 'data-value': row.lastSuccessAt ?? '' },
      },
      {
        html: badge(verdictTone, verdictText),
        attributes: { 'data-field': 'verdict', 'data-value': row.verdict },
      },
      {
        html: row.lastErrorCode
          ? `${code(row.lastErrorCode)}<br><span class="muted">${escapeHtml(formatTime(row.lastErrorAt))}</span>`
          : '—',
        attributes: { 'data-field': 'last_error_code', 'data-value': row.lastErrorCode ?? '' },
      },
    ],
  };
}

export function healthSection(model: PageModel): string {
  const jobs = table({
    id: 'health-table',
    caption:
      'Each job’s last run and last real success (dry runs do not count), from its heartbeat: on time within two periods of its schedule, late after, stale past the job’s threshold (2 hours for the 15-minute chain, 3 days for the nightly verification).',
    headers: ['Job', 'Last run', 'Status', 'Job id', 'Last success', 'On time', 'Last error'],
    rows: model.health.jobs.map((row) => healthRowCells(row, model)),
  });
  const alert = model.health.alert;
  let alertHtml: string;
  if (!alert) {
    alertHtml = notice(
      'muted',
      'Alert state unknown: the latency heartbeat is missing or unreadable.',
      'no_alert_state',
    );
  } else {
    const tone: Tone =
      alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warning' : 'ok';
    const facts: [string, string][] = [
      [
        'Alert',
        `${badge(tone, alert.severity === 'none' ? 'no alert raised' : alert.severity)}${alert.alertId ? ` ${code(alert.alertId)}` : ''}`,
      ],
      ['Raised since', timeElement(alert.since)],
      ['Last notified', timeElement(alert.lastNotifiedAt)],
      ['Breach streak', alert.breachStreak === null ? '—' : `${alert.breachStreak} window(s)`],
      ['Last breach', timeElement(alert.lastBreachAt)],
      ['Pending deliveries', String(alert.pending.length)],
    ];
    alertHtml = `<dl class="facts" id="alert-state" data-severity="${escapeHtml(alert.severity)}">${facts
      .map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`)
      .join('')}</dl>`;
    if (alert.pending.length > 0) {
      alertHtml += table({
        caption: 'Notifications not yet delivered (retried on the next run)',
        headers: ['Webhook', 'Alert', 'Queued', 'Attempts', 'Last error'],
        rows: alert.pending.map((item) => ({
          cells: [
            item.webhook,
            `${item.alertId ?? '—'} ${item.status ?? ''}`.trim(),
            { html: timeElement(item.queuedAt) },
            item.attempts === null ? '—' : String(item.attempts),
            item.lastError ?? '—',
          ],
        })),
      });
    }
  }
  return section('health', 'Health', 'ok', `${jobs}<h3>Latency alert</h3>${alertHtml}`);
}

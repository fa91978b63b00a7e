import type { DatasetName } from '../dataset-names.js';
import type { EvView } from './ev-view.js';
import { type Cell, table } from './html-table.js';
import { escapeHtml } from './html-text.js';
import type { LatencyView } from './latency-view.js';
import {
  formatDate,
  formatMs,
  formatNumber,
  formatPercent,
  formatSigned,
  formatTime,
  timeElement,
} from './page-format.js';
import { badge, code, figure, fileLink, notice, section } from './page-markup.js';
import type { DatasetSection, PageModel } from './page-model.js';
import { MAX_COEFFICIENT_CHARTS, SLIP_BANDS, type SlippageView } from './slippage-view.js';
import type { TurnoverView } from './turnover-view.js';

function datasetNotice<View>(dataset: DatasetName, outcome: DatasetSection<View>): string | null {
  const kept =
    outcome.state !== 'ok' && outcome.kept
      ? ` The bundle keeps ${code(outcome.kept.path)} from an earlier export (${escapeHtml(formatTime(outcome.kept.generatedAt))}, ${outcome.kept.rowCount} rows); this page does not show it.`
      : '';
  if (outcome.state === 'failed') {
    return notice(
      'error',
      `${badge('error', 'not exported')} ${code(dataset)} failed at this export: ${code(outcome.errorCode)} — ${escapeHtml(outcome.message)}.${kept}`,
      'failed',
    );
  }
  if (outcome.state === 'not_exported')
    return notice(
      'muted',
      `${code(dataset)} was not part of this export (see --dataset).${kept}`,
      'not_exported',
    );
  if (outcome.view === null)
    return notice('muted', `${code(dataset)} was exported with no rows: there is nothing to chart.`, 'empty');
  return null;
}

/**
 * A dataset's section: `render` draws its view; a failed, missing or empty dataset gets its
 * notice instead. `lead` comes first either way.
 */
function datasetSection<View>(
  heading: { id: string; title: string; dataset: DatasetName },
  outcome: DatasetSection<View>,
  render: (view: View) => string,
  lead = '',
): string {
  const missing = datasetNotice(heading.dataset, outcome);
  if (missing !== null || outcome.state !== 'ok' || outcome.view === null) {
    const state = outcome.state !== 'ok' ? outcome.state : 'empty';
    return section(heading.id, heading.title, state, `${lead}${missing ?? ''}`);
  }
  return section(heading.id, heading.title, 'ok', `${lead}${render(outcome.view)}`);
}

function sloText(model: PageModel): string {
  const slo = model.slo;
  if (!slo) {
    return notice(
      'warning',
      'SLO unknown: the latency heartbeat records none yet (obs-latency writes it on its next run), so no SLO line is drawn.',
      'no_slo',
    );
  }
  const failure =
    slo.failureRateThreshold === null
      ? ''
      : `, failure rate ≤ ${escapeHtml(formatPercent(slo.failureRateThreshold))}`;
  const source = slo.source ? ` (${code(slo.source)}, as obs-latency last applied it)` : '';
  return `<p id="slo" data-slo-p95-ms="${slo.p95Ms}">SLO: p95 ≤ ${escapeHtml(formatMs(slo.p95Ms))}${failure}${source}.</p>`;
}

const MAX_BREACH_RANGES = 20;

export function latencySection(model: PageModel): string {
  const heading = { id: 'latency', title: 'Latency', dataset: 'latency' } as const;
  return datasetSection(heading, model.latency, latencyBody, sloText(model));
}

function latencyBody(view: LatencyView): string {
  const last = view.last;
  const breached = last.breach_flag === true;
  const summary = `<p class="summary">Latest window ${timeElement(last.window_start)}: p50 ${escapeHtml(formatMs(last.p50_ms))}, p95 <strong>${escapeHtml(formatMs(last.p95_ms))}</strong>, p99 ${escapeHtml(formatMs(last.p99_ms))}, failure rate ${escapeHtml(formatPercent(last.failure_rate))} ${breached ? badge('error', 'breach') : badge('ok', 'within SLO')}. ${view.windows} hourly window(s) from ${timeElement(view.first)}; ${view.breachedWindows} breached, in ${view.breachRanges.length} range(s).</p>`;
  const charts =
    figure(
      'latency',
      view.chart.points,
      `Latency p50, p95 and p99 per hour (ms)${view.slo ? ` with the SLO at ${formatMs(view.slo.p95Ms)}` : ''}; breached windows shaded.`,
      ` data-breach-ranges="${view.breachRanges.length}" data-slo="${view.slo?.p95Ms ?? ''}"`,
    ) + figure('failure_rate', view.chart.points, 'Failure rate per hour (%).');
  const ranges = [...view.breachRanges].reverse();
  const breachTable =
    ranges.length === 0
      ? notice('ok', `${badge('ok', 'no breach')} in the windows shown.`, 'no_breach')
      : table({
          id: 'breach-table',
          caption: `Breach ranges, newest first${ranges.length > MAX_BREACH_RANGES ? ` (${MAX_BREACH_RANGES} of ${ranges.length})` : ''}`,
          headers: ['From', 'To', 'Windows', 'Peak p95'],
          rows: ranges.slice(0, MAX_BREACH_RANGES).map((range) => ({
            cells: [
              { html: timeElement(range.start) },
              { html: timeElement(range.end) },
              String(range.windows),
              formatMs(range.peakP95Ms),
            ],
          })),
        });
  const latest = [...view.latestRows];
  const windowsTable = table({
    caption: `The latest ${latest.length} windows, newest first`,
    headers: ['Window', 'Samples', 'p50', 'p95', 'p99', 'Failure rate', 'Breach'],
    rows: latest.map((row) => ({
      attributes: { 'data-breach': row.breach_flag === true ? 'true' : 'false' },
      cells: [
        { html: timeElement(row.window_start) },
        row.count === null ? '—' : String(row.count),
        formatMs(row.p50_ms),
        { html: escapeHtml(formatMs(row.p95_ms)), className: row.breach_flag ? 'deviation' : undefined },
        formatMs(row.p99_ms),
        formatPercent(row.failure_rate),
        { html: row.breach_flag ? badge('error', `streak ${row.breach_streak ?? '?'}`) : '—' },
      ],
    })),
  });
  return `${summary}${charts}${breachTable}${windowsTable}`;
}

export function evSection(model: PageModel): string {
  const heading = { id: 'ev', title: 'EV: win-rate lower confidence bound', dataset: 'ev_history' } as const;
  return datasetSection(heading, model.ev, (view) => evBody(view, model));
}

function evBody(view: EvView, model: PageModel): string {
  const chart = figure(
    'ev',
    view.chart.points,
    'Win-rate LCB of each strategy · symbol · mode over its last 30 state exports.',
  );
  const rows = view.series.map((item) => {
    const change =
      item.latest.win_rate_lcb === null || item.trendStart.win_rate_lcb === null
        ? null
        : item.latest.win_rate_lcb - item.trendStart.win_rate_lcb;
    return {
      attributes: { 'data-series': item.label },
      cells: [
        item.label,
        { html: timeElement(item.latest.timestamp) },
        { html: `<strong>${escapeHtml(formatNumber(item.latest.win_rate_lcb, 4))}</strong>` },
        formatNumber(item.latest.win_rate_mean, 4),
        formatSigned(change, 4),
        `${formatNumber(item.minLcb, 4)} – ${formatNumber(item.maxLcb, 4)}`,
        String(item.points),
        { html: fileLink(model, item.latest.source_path, item.latest.source_path.split('/').at(-1)) },
      ],
    };
  });
  const summary = table({
    id: 'ev-table',
    caption: 'Latest win-rate LCB per series, with its change over the trend shown (up to 30 snapshots)',
    headers: [
      'Series',
      'Latest snapshot',
      'Win-rate LCB',
      'Mean',
      'Change over trend',
      'Range',
      'Snapshots',
      'File',
    ],
    rows,
  });
  return `${chart}${summary}`;
}

export function slippageSection(model: PageModel): string {
  const heading = { id: 'slippage', title: 'Slippage', dataset: 'slippage' } as const;
  return datasetSection(heading, model.slippage, slippageBody);
}

function slippageBody(view: SlippageView): string {
  const { thresholds } = view;
  const rule = `<p class="muted">Highlighted: execution slippage above ${escapeHtml(String(thresholds.slippage_bps_max))} bps, reject rate above ${escapeHtml(formatPercent(thresholds.reject_rate_max))}, and slip.a coefficients further than ${escapeHtml(formatPercent(thresholds.slip_coefficient_drift, 0))} from their series’ median (page settings in dashboard_export.yaml).</p>`;
  const coefficientRows = view.coefficients.map((item) => ({
    attributes: { 'data-series': item.label },
    cells: [
      item.label,
      { html: timeElement(item.latestAt) },
      ...SLIP_BANDS.map((band): Cell => {
        const cell = item.bands[band];
        const marker = cell.flagged
          ? `<span aria-hidden="true">${(cell.drift ?? 0) > 0 ? '▲' : '▼'}</span> `
          : '';
        return {
          html: `${marker}<strong>${escapeHtml(formatNumber(cell.latest, 4))}</strong><br><span class="muted">median ${escapeHtml(formatNumber(cell.median, 4))}, ${escapeHtml(formatSigned(cell.drift, 1, true))}</span>${cell.flagged ? '<span class="visually-hidden"> (deviates)</span>' : ''}`,
          className: cell.flagged ? 'deviation' : undefined,
          attributes: { 'data-band': band, 'data-flagged': cell.flagged ? 'true' : 'false' },
        };
      }),
      String(item.snapshots),
    ],
  }));
  const coefficients =
    coefficientRows.length === 0
      ? notice('muted', 'No state export in the dataset holds slip.a coefficients.', 'no_coefficients')
      : table({
          id: 'slip-table',
          caption: 'slip.a coefficients: latest value per series against the median of its snapshots',
          headers: ['Series', 'Latest snapshot', 'narrow', 'normal', 'wide', 'Snapshots'],
          rows: coefficientRows,
        });
  const execution =
    view.execution.length === 0
      ? notice('muted', 'The router telemetry lists no execution_health.', 'no_execution')
      : table({
          id: 'execution-table',
          caption: 'Execution health from the router telemetry',
          headers: ['Strategy', 'Slippage (bps)', 'Reject rate', 'Fills', 'Window (days)', 'As of'],
          rows: view.execution.map(({ row, slippageFlagged, rejectFlagged }) => ({
            attributes: { 'data-strategy': row.strategy },
            cells: [
              row.strategy,
              {
                html: `${slippageFlagged ? '<span aria-hidden="true">▲</span> ' : ''}${escapeHtml(formatNumber(row.slippage_bps, 2))}${slippageFlagged ? ` <span class="muted">(max ${escapeHtml(String(thresholds.slippage_bps_max))})</span>` : ''}`,
                className: slippageFlagged ? 'deviation' : undefined,
                attributes: {
                  'data-field': 'slippage_bps',
                  'data-flagged': slippageFlagged ? 'true' : 'false',
                },
              },
              {
                html: `${rejectFlagged ? '<span aria-hidden="true">▲</span> ' : ''}${escapeHtml(formatPercent(row.reject_rate))}${rejectFlagged ? ` <span class="muted">(max ${escapeHtml(formatPercent(thresholds.reject_rate_max))})</span>` : ''}`,
                className: rejectFlagged ? 'deviation' : undefined,
                attributes: { 'data-field': 'reject_rate', 'data-flagged': rejectFlagged ? 'true' : 'false' },
              },
              row.fill_count === null ? '—' : String(row.fill_count),
              row.window_days === null ? '—' : String(row.window_days),
              { html: timeElement(row.as_of) },
            ],
          })),
        });
  const more =
    view.coefficients.length > MAX_COEFFICIENT_CHARTS
      ? `<p class="muted">Charts for the first ${MAX_COEFFICIENT_CHARTS} of ${view.coefficients.length} series; the table lists all.</p>`
      : '';
  const charts = `<div class="chart-grid">${view.charts
    .map((chart, index) =>
      figure(`slippage-${index}`, chart.points, `slip.a narrow, normal and wide: ${chart.label}`),
    )
    .join('')}</div>${more}`;
  return `${rule}${execution}${coefficients}${charts}`;
}

export function turnoverSection(model: PageModel): string {
  const heading = { id: 'turnover', title: 'Turnover', dataset: 'turnover' } as const;
  return datasetSection(heading, model.turnover, (view) => turnoverBody(view, model));
}

function turnoverBody(view: TurnoverView, model: PageModel): string {
  const { runsRoot } = model;
  const chart = figure(
    'turnover',
    view.chart.points,
    `Average trades per day and per active day, and win rate, for the last ${view.runs.length} runs.`,
  );
  const runs = table({
    id: 'turnover-table',
    caption: `The last ${view.runs.length} of ${view.totalRuns} runs in the dataset (runs/index.csv order)`,
    headers: [
      '#',
      'Run',
      'Date',
      'Symbol',
      'Mode',
      'Trades',
      'Trades / day',
      'Trades / active day',
      'Win rate',
    ],
    rows: view.runs.map((run, index) => ({
      attributes: { 'data-run': run.run_id },
      cells: [
        String(index + 1),
        {
          html:
            runsRoot === null
              ? code(run.run_id)
              : fileLink(
                  model,
                  `${runsRoot}/${run.run_id}/${run.days === null ? '' : 'daily.csv'}`,
                  run.run_id,
                ),
        },
        formatDate(run.timestamp),
        run.symbol ?? '—',
        run.mode ?? '—',
        run.trades === null ? '—' : String(run.trades),
        formatNumber(run.avg_trades_per_day, 2),
        formatNumber(run.avg_trades_active_day, 2),
        formatPercent(run.win_rate, 1),
      ],
    })),
  });
  return `${chart}${runs}`;
}

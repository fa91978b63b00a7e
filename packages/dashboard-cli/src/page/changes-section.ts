import { table } from './html-table.js';
import { escapeHtml } from './html-text.js';
import { formatNumber, formatPercent, formatSigned, formatTime, timeElement } from './page-format.js';
import { badge, fileLink, notice, section } from './page-markup.js';
import type { PageModel } from './page-model.js';

export function changesSection(model: PageModel): string {
  const { changes } = model;
  const rule = changes.rule;
  const ruleText = `<p class="muted" id="large-change-rule">A change is large when, between two consecutive state exports of a strategy · symbol · mode, the win-rate LCB moves by at least ${rule.win_rate_lcb} or a slip.a coefficient by at least ${formatPercent(rule.slip_coefficient, 0)} of its previous value; or when, between two consecutive runs of a symbol · mode, avg trades per day moves by at least ${formatPercent(rule.trades_per_day, 0)} of its previous value or the win rate by at least ${rule.win_rate}. Listed largest first (by how far past its threshold), at most ${rule.max_listed}.</p>`;
  const exported = (['ev', 'slippage', 'turnover'] as const).filter((name) => model[name].state === 'ok');
  if (exported.length === 0) {
    return section(
      'changes',
      'Large changes',
      'empty',
      `${notice('muted', 'No dataset to compare: ev_history, slippage and turnover were not exported.', 'no_data')}${ruleText}`,
    );
  }
  const body =
    changes.listed.length === 0
      ? notice('ok', `${badge('ok', 'no large change')} in the exported data.`, 'no_change')
      : table({
          id: 'changes-table',
          caption: `${changes.listed.length} of ${changes.found} large change(s)`,
          headers: ['Date', 'Section', 'Series', 'Metric', 'From → to', 'Change', 'Files'],
          rows: changes.listed.map((change) => ({
            attributes: { 'data-section': change.section },
            cells: [
              {
                html: `${timeElement(change.at)}<br><span class="muted">after ${escapeHtml(formatTime(change.previousAt))}</span>`,
              },
              change.section,
              change.series,
              change.metric,
              `${formatNumber(change.from, 4)} → ${formatNumber(change.to, 4)}`,
              {
                html: `<strong>${escapeHtml(change.kind === 'relative' ? formatSigned(change.change, 1, true) : formatSigned(change.change, 4))}</strong>`,
              },
              {
                html:
                  change.sources.map((source) => fileLink(model, source.path, source.label)).join('<br>') ||
                  '—',
              },
            ],
          })),
        });
  return section('changes', 'Large changes', 'ok', `${body}${ruleText}`);
}

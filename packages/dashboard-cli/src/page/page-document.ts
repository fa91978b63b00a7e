import { createHash } from 'node:crypto';
import { changesSection } from './changes-section.js';
import { evSection, latencySection, slippageSection, turnoverSection } from './dataset-sections.js';
import { healthSection } from './health-section.js';
import { escapeHtml, jsonForScriptBlock } from './html-text.js';
import type { PageAssets } from './page-assets.js';
import { timeElement } from './page-format.js';
import type { PageModel } from './page-model.js';
import { PAGE_THEME, themeCustomProperties } from './page-theme.js';
import { footerSection } from './provenance-footer.js';

/** The id of the JSON block the page's script draws the charts from. */
export const DATA_BLOCK_ID = 'dashboard-data';

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Inline script or style text; refuses text that could end its element early (an upgraded
 * asset containing `</script`), which would otherwise break the page silently.
 */
function inlineText(text: string, element: 'script' | 'style'): string {
  if (new RegExp(`</${element}|<!--`, 'i').test(text))
    throw new Error(`an inlined ${element} contains </${element} or <!--: it cannot be inlined safely`);
  return text;
}

/** What the page's script needs to draw the charts: columns only, the tables are in the HTML. */
function chartData(model: PageModel): unknown {
  const view = <View>(outcome: { state: string; view?: View | null }) =>
    outcome.state === 'ok' ? (outcome.view ?? null) : null;
  return {
    theme: {
      series: PAGE_THEME.series,
      slo: PAGE_THEME.slo,
      breachShade: PAGE_THEME.breachShade,
      text: PAGE_THEME.text.body,
      muted: PAGE_THEME.text.muted,
    },
    generatedAt: model.generatedAt,
    latency: view(model.latency)?.chart ?? null,
    ev: view(model.ev)?.chart ?? null,
    slippage: view(model.slippage)?.charts ?? [],
    turnover: view(model.turnover)?.chart ?? null,
  };
}

/**
 * Jobs whose last run failed or ended warning: on time still (one failure is within two periods),
 * but not to be passed over. The chain's own row repeats its jobs' outcomes, so it is left out.
 */
function lastRunItems(jobs: PageModel['health']['jobs']): string[] {
  const own = jobs.filter((job) => job.job !== 'daily');
  const failed = own.filter((job) => job.status === 'error');
  const warned = own.filter((job) => job.status === 'warning');
  return [
    failed.length === 0
      ? '<li class="ok">✓ no job’s last run failed</li>'
      : `<li class="error">✗ last run failed: ${failed.map((job) => escapeHtml(`${job.job} (${job.lastErrorCode ?? 'error'})`)).join(', ')}</li>`,
    warned.length === 0
      ? ''
      : `<li class="warning">⚠ last run ended warning: ${warned.map((job) => escapeHtml(`${job.job}${job.lastWarningCode ? ` (${job.lastWarningCode})` : ''}`)).join(', ')}</li>`,
  ];
}

function headline(model: PageModel): string {
  const late = model.health.jobs.filter((job) => job.verdict !== 'on_time');
  const verdictText = (job: (typeof late)[number]) => (job.dryRunOnly ? 'dry runs only' : job.verdict);
  const failed = (['latency', 'ev', 'slippage', 'turnover'] as const).filter(
    (name) => model[name].state === 'failed',
  );
  const alert = model.health.alert?.severity ?? 'unknown';
  const latest = model.latency.state === 'ok' ? model.latency.view?.last : undefined;
  const items = [
    late.length === 0
      ? '<li class="ok">✓ every job is on time</li>'
      : `<li class="error">✗ not on time: ${late.map((job) => escapeHtml(`${job.job} (${verdictText(job)})`)).join(', ')}</li>`,
    ...lastRunItems(model.health.jobs),
    alert === 'none'
      ? '<li class="ok">✓ no latency alert raised</li>'
      : `<li class="${alert === 'unknown' ? 'warning' : 'error'}">${alert === 'unknown' ? '⚠ latency alert state unknown' : `✗ latency alert: ${escapeHtml(alert)}`}</li>`,
    latest?.breach_flag
      ? '<li class="error">✗ the latest latency window breaches the SLO</li>'
      : latest
        ? '<li class="ok">✓ the latest latency window is within the SLO</li>'
        : '',
    failed.length === 0
      ? '<li class="ok">✓ every exported dataset is current</li>'
      : `<li class="error">✗ failed at this export: ${failed.map((name) => escapeHtml(name)).join(', ')}</li>`,
  ];
  return `<ul class="headline" aria-label="Summary">${items.join('')}</ul>`;
}

const NAV = [
  ['health', 'Health'],
  ['latency', 'Latency'],
  ['ev', 'EV'],
  ['slippage', 'Slippage'],
  ['turnover', 'Turnover'],
  ['changes', 'Changes'],
  ['provenance', 'Provenance'],
] as const;

/**
 * The whole page: one file with its style, the chart library, its script and its data inline.
 * The Content-Security-Policy allows no network access at all and runs only the two scripts
 * whose hashes it names, so nothing in the data can ever execute.
 */
export function renderPageDocument(model: PageModel, assets: PageAssets): string {
  const style = inlineText(`${themeCustomProperties()}\n${assets.uplotStyle}\n${assets.pageStyle}`, 'style');
  const uplot = inlineText(
    `/*! uPlot ${assets.uplotVersion}\n${assets.uplotLicense.trim()}\n*/\n${assets.uplotScript}`,
    'script',
  );
  const script = inlineText(assets.pageScript, 'script');
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(uplot)} ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const sequence = model.manifest ? `sequence ${model.manifest.sequence}` : 'no manifest';
  const title = `Observability dashboard · ${sequence} · ${model.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    `<body data-generated-at="${escapeHtml(model.generatedAt)}" data-job-id="${escapeHtml(model.jobId)}">`,
    '<header class="page-header">',
    `<h1>Observability dashboard</h1><p class="muted">Generated ${timeElement(model.generatedAt)} by <code>${escapeHtml(model.jobId)}</code> · ${escapeHtml(sequence)}${model.dryRun ? ' · dry run' : ''}</p>`,
    '<p id="page-age" class="notice warning" hidden></p>',
    headline(model),
    `<nav aria-label="Sections"><ul>${NAV.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join('')}</ul></nav>`,
    '</header>',
    '<main>',
    healthSection(model),
    latencySection(model),
    evSection(model),
    slippageSection(model),
    turnoverSection(model),
    changesSection(model),
    '</main>',
    footerSection(model, assets.uplotVersion),
    `<script type="application/json" id="${DATA_BLOCK_ID}">${jsonForScriptBlock(chartData(model))}</script>`,
    `<script>${uplot}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

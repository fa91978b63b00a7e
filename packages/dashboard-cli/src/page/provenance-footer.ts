import { table } from './html-table.js';
import { escapeHtml } from './html-text.js';
import { timeElement } from './page-format.js';
import { badge, code } from './page-markup.js';
import type { PageModel } from './page-model.js';

export function footerSection(model: PageModel, uplotVersion: string): string {
  const manifest = model.manifest;
  if (!manifest) {
    return `<footer id="provenance" data-sequence=""><p>${badge('error', 'no manifest')} This export wrote no manifest: no dataset could be exported and the bundle had none to keep. Generated ${timeElement(model.generatedAt)} by ${code(model.jobId)}.</p><p class="muted">Charts drawn with uPlot ${escapeHtml(uplotVersion)} (MIT licence, inlined).</p></footer>`;
  }
  const provenance = manifest.provenance;
  const environment =
    typeof provenance.environment === 'string'
      ? provenance.environment
      : JSON.stringify(provenance.environment);
  const facts: [string, string][] = [
    ['Manifest sequence', `<strong>${manifest.sequence}</strong>`],
    ['Generated at', timeElement(manifest.generated_at)],
    ['Job id', code(manifest.job_id)],
    ['Command', code(provenance.command)],
    ['Commit', code(provenance.commit_sha)],
    ['Environment', code(environment)],
    ['Inputs', provenance.inputs.map((input) => code(input)).join(' ')],
  ];
  const datasets = table({
    id: 'checksums-table',
    caption: 'The bundle’s datasets and their SHA-256 checksums (manifest.json also records this page’s)',
    headers: ['Dataset', 'File', 'Rows', 'Written', 'SHA-256'],
    rows: manifest.datasets.map((entry) => ({
      attributes: { 'data-dataset': entry.dataset },
      cells: [
        entry.dataset,
        {
          html: `<a href="${escapeHtml(entry.path.split('/').map(encodeURIComponent).join('/'))}">${escapeHtml(entry.path)}</a>`,
        },
        String(entry.row_count),
        { html: timeElement(entry.generated_at) },
        {
          html: `<code class="checksum">${escapeHtml(entry.checksum_sha256)}</code>`,
          attributes: { 'data-field': 'checksum' },
        },
      ],
    })),
  });
  const dryRun = model.dryRun ? ` ${badge('warning', 'dry run: not uploaded')}` : '';
  return `<footer id="provenance" data-sequence="${manifest.sequence}"><h2>Provenance${dryRun}</h2><dl class="facts">${facts
    .map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`)
    .join(
      '',
    )}</dl>${datasets}<p class="muted">Charts drawn with uPlot ${escapeHtml(uplotVersion)} (MIT licence, inlined in this page).</p></footer>`;
}

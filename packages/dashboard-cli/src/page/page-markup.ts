// Pieces of markup every section of the dashboard page is made of; all text is escaped here.
import { escapeHtml, relativeHref } from './html-text.js';
import type { PageModel } from './page-model.js';

export type Tone = 'ok' | 'warning' | 'error' | 'muted';

/** Status in words and a symbol, coloured as a hint only. */
export function badge(tone: Tone, text: string): string {
  const symbol = { ok: '✓', warning: '⚠', error: '✗', muted: '·' }[tone];
  return `<span class="badge ${tone}"><span aria-hidden="true">${symbol}</span> ${escapeHtml(text)}</span>`;
}

export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** A link to a workspace file (root-relative path), relative to the page; plain text when it cannot be one. */
export function fileLink(model: PageModel, path: string, label: string = path): string {
  const href = model.pageFolder === null ? null : relativeHref(model.pageFolder, path);
  return href === null ? code(label) : `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

export function section(id: string, title: string, state: string, body: string): string {
  return `<section id="${id}" data-state="${escapeHtml(state)}" aria-labelledby="${id}-title"><h2 id="${id}-title">${escapeHtml(title)}</h2>${body}</section>`;
}

export function notice(tone: Tone, html: string, state: string): string {
  return `<p class="notice ${tone}" data-notice="${escapeHtml(state)}">${html}</p>`;
}

/** The dataset's notice when it has nothing to show, or null when its view can be rendered. */
export function figure(chart: string, expectedPoints: number, caption: string, extra = ''): string {
  return `<figure class="chart" data-chart="${escapeHtml(chart)}" data-expected-points="${expectedPoints}"${extra}><div class="chart-canvas" role="img" aria-label="${escapeHtml(caption)}"></div><figcaption>${escapeHtml(caption)}</figcaption><noscript><p class="notice muted">The chart needs JavaScript; the table below holds its figures.</p></noscript></figure>`;
}

import { escapeHtml } from './html-text.js';

/** A table cell: `html` is already escaped markup; `attributes` values are escaped here. */
export interface Cell {
  html: string;
  attributes?: Record<string, string | number | null>;
  className?: string;
}

export type CellInput = Cell | string;

function attributeText(attributes: Record<string, string | number | null> | undefined): string {
  return Object.entries(attributes ?? {})
    .filter(([, value]) => value !== null)
    .map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`)
    .join('');
}

function renderCell(cell: CellInput, tag: 'td' | 'th'): string {
  const item = typeof cell === 'string' ? { html: escapeHtml(cell) } : cell;
  const className = item.className ? ` class="${escapeHtml(item.className)}"` : '';
  return `<${tag}${className}${attributeText(item.attributes)}>${item.html}</${tag}>`;
}

/**
 * A table in a horizontally scrolling wrapper (narrow screens scroll the table, not the page),
 * with a caption for screen readers and people alike.
 */
export function table(options: {
  caption: string;
  headers: readonly string[];
  rows: readonly { cells: readonly CellInput[]; attributes?: Cell['attributes'] }[];
  id?: string;
}): string {
  const head = `<thead><tr>${options.headers.map((header) => `<th scope="col">${escapeHtml(header)}</th>`).join('')}</tr></thead>`;
  const body = options.rows
    .map(
      (row) =>
        `<tr${attributeText(row.attributes)}>${row.cells.map((cell) => renderCell(cell, 'td')).join('')}</tr>`,
    )
    .join('');
  const id = options.id ? ` id="${escapeHtml(options.id)}"` : '';
  return `<div class="table-wrap"><table${id}><caption>${escapeHtml(options.caption)}</caption>${head}<tbody>${body}</tbody></table></div>`;
}

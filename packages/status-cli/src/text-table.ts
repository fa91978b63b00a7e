import { cutToWidth, padVisible, type TextStyle } from '@obs-automation/core';

export interface Cell {
  text: string;
  /** applied after the text is cut to its column */
  tone?: (text: string) => string;
}

export interface Column {
  header: string;
  cells: Cell[];
  /** how narrow the column may be cut when the table does not fit (default: never cut) */
  minWidth?: number;
}

const GAP = '  ';

/**
 * Column widths: each its widest cell, then the cuttable ones narrowed, rightmost first, until
 * the table fits — so a long error code (repeated whole in its finding) gives way before a job
 * id, which is copied from the screen into `obs-verify --job-id`.
 */
function widthsOf(columns: readonly Column[], width: number): number[] {
  const widths = columns.map((column) =>
    Math.max(Array.from(column.header).length, ...column.cells.map((cell) => Array.from(cell.text).length)),
  );
  let over = widths.reduce((sum, item) => sum + item, 0) + GAP.length * (columns.length - 1) - width;
  for (let index = columns.length - 1; index >= 0 && over > 0; index -= 1) {
    const min = columns[index]?.minWidth;
    if (min === undefined) continue;
    const cut = Math.min(over, Math.max(0, (widths[index] as number) - min));
    widths[index] = (widths[index] as number) - cut;
    over -= cut;
  }
  return widths;
}

/** A table of plain-text cells fitted to `width` columns: a header line, then one line per row. */
export function renderTable(columns: readonly Column[], width: number, style: TextStyle): string[] {
  const widths = widthsOf(columns, width);
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, index) => {
        const shown = cutToWidth(cell.text, widths[index] as number);
        const toned = cell.tone ? cell.tone(shown) : shown;
        return index === cells.length - 1 ? toned : padVisible(toned, widths[index] as number);
      })
      .join(GAP)
      .trimEnd();
  const rows = Math.max(0, ...columns.map((column) => column.cells.length));
  return [
    line(columns.map((column) => ({ text: column.header, tone: style.dim }))),
    ...Array.from({ length: rows }, (_, row) =>
      line(columns.map((column) => column.cells[row] ?? { text: '' })),
    ),
  ];
}

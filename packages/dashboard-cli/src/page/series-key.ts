/** Rows of one (strategy, symbol, mode) series of state exports, oldest first. */
export interface Series<Row> {
  key: string;
  label: string;
  rows: Row[];
}

interface SeriesRow {
  strategy: string;
  symbol: string;
  mode: string;
  timestamp: string;
}

/** Groups state-export rows by (strategy, symbol, mode), series sorted by label, rows by time. */
export function groupBySeries<Row extends SeriesRow>(rows: readonly Row[]): Series<Row>[] {
  const groups = new Map<string, Series<Row>>();
  for (const row of rows) {
    const key = JSON.stringify([row.strategy, row.symbol, row.mode]);
    let group = groups.get(key);
    if (!group) {
      group = { key, label: `${row.strategy} · ${row.symbol} · ${row.mode}`, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  const series = [...groups.values()].sort((left, right) => (left.label < right.label ? -1 : 1));
  for (const group of series)
    group.rows.sort((left, right) => Date.parse(left.timestamp) - Date.parse(right.timestamp));
  return series;
}

/** Aligns series on the union of their x values (uPlot's data layout); null where a series has no point. */
export function alignedColumns(series: readonly { x: number[]; y: (number | null)[] }[]): {
  x: number[];
  ys: (number | null)[][];
} {
  const x = [...new Set(series.flatMap((item) => item.x))].sort((left, right) => left - right);
  const position = new Map(x.map((value, index) => [value, index]));
  const ys = series.map((item) => {
    const column: (number | null)[] = new Array(x.length).fill(null);
    item.x.forEach((value, index) => {
      column[position.get(value) as number] = item.y[index] ?? null;
    });
    return column;
  });
  return { x, ys };
}

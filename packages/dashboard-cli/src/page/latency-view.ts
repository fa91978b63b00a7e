import { roundTo } from '@obs-automation/core';
import type { LatencyRow } from '../latency-dataset.js';

/** The SLO the rollup was judged against, as obs-latency recorded it in its heartbeat. */
export interface LatencySlo {
  p95Ms: number;
  failureRateThreshold: number | null;
  /** the alert config it came from, root-relative */
  source: string | null;
}

/** Consecutive breached windows, shaded on the chart and listed in the table. */
export interface BreachRange {
  start: string;
  end: string;
  windows: number;
  peakP95Ms: number | null;
}

/** Columns for the latency charts: x in epoch seconds, a null row wherever windows are missing. */
export interface LatencyChartData {
  x: number[];
  /** end of the newest window: the x scale reaches it so that the last window's shading shows */
  xMax: number;
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  failureRate: (number | null)[];
  /** [start, end] in epoch seconds of each breach range */
  breaches: [number, number][];
  slo: number | null;
  failureRateThreshold: number | null;
  /** rollup rows drawn (the x values that are not gap markers) */
  points: number;
}

export interface LatencyView {
  windows: number;
  first: string;
  last: LatencyRow;
  /** the newest windows, newest first, for the table */
  latestRows: LatencyRow[];
  breachRanges: BreachRange[];
  breachedWindows: number;
  worst: LatencyRow | null;
  slo: LatencySlo | null;
  chart: LatencyChartData;
}

/** Windows listed in the table below the charts. */
const LATEST_WINDOWS = 12;

const ms = (value: number | null) => (value === null ? null : roundTo(value, 1));
const rate = (value: number | null) => (value === null ? null : roundTo(value, 6));
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function mergedBreaches(rows: readonly LatencyRow[]): BreachRange[] {
  const ranges: BreachRange[] = [];
  for (const row of rows) {
    if (row.breach_flag !== true) continue;
    const open = ranges.at(-1);
    if (open && open.end === row.window_start) {
      open.end = row.window_end;
      open.windows += 1;
      if (row.p95_ms !== null && (open.peakP95Ms === null || row.p95_ms > open.peakP95Ms))
        open.peakP95Ms = row.p95_ms;
    } else {
      ranges.push({ start: row.window_start, end: row.window_end, windows: 1, peakP95Ms: row.p95_ms });
    }
  }
  return ranges;
}

/** The latency section from the dataset's rows (newest first, as the dataset holds them); null when empty. */
export function latencyView(rows: readonly LatencyRow[], slo: LatencySlo | null): LatencyView | null {
  const ordered = [...rows].sort(
    (left, right) => Date.parse(left.window_start) - Date.parse(right.window_start),
  );
  const first = ordered[0];
  const last = ordered.at(-1);
  if (!first || !last) return null;
  const chart: LatencyChartData = {
    x: [],
    xMax: seconds(last.window_end),
    p50: [],
    p95: [],
    p99: [],
    failureRate: [],
    breaches: [],
    slo: slo?.p95Ms ?? null,
    failureRateThreshold: slo?.failureRateThreshold ?? null,
    points: ordered.length,
  };
  let previousEnd: string | null = null;
  for (const row of ordered) {
    // A missing window breaks the lines instead of drawing across the hole.
    if (previousEnd !== null && previousEnd < row.window_start) {
      chart.x.push(seconds(previousEnd));
      for (const column of [chart.p50, chart.p95, chart.p99, chart.failureRate]) column.push(null);
    }
    chart.x.push(seconds(row.window_start));
    chart.p50.push(ms(row.p50_ms));
    chart.p95.push(ms(row.p95_ms));
    chart.p99.push(ms(row.p99_ms));
    chart.failureRate.push(rate(row.failure_rate));
    previousEnd = row.window_end;
  }
  const breachRanges = mergedBreaches(ordered);
  chart.breaches = breachRanges.map((range) => [seconds(range.start), seconds(range.end)]);
  let worst: LatencyRow | null = null;
  for (const row of ordered) {
    if (row.p95_ms !== null && (worst === null || row.p95_ms > (worst.p95_ms ?? -1))) worst = row;
  }
  return {
    windows: ordered.length,
    first: first.window_start,
    last,
    latestRows: ordered.slice(-LATEST_WINDOWS).reverse(),
    breachRanges,
    breachedWindows: ordered.filter((row) => row.breach_flag === true).length,
    worst,
    slo,
    chart,
  };
}

import type { EvHistoryRow } from '../ev-history-dataset.js';
import type { SlippageStateRow } from '../slippage-dataset.js';
import type { TurnoverRow } from '../turnover-dataset.js';
import type { PageSettings } from './page-settings.js';
import { groupBySeries } from './series-key.js';
import { SLIP_BANDS } from './slippage-view.js';

/** A workspace file a change was read from, root-relative. */
export interface ChangeSource {
  label: string;
  path: string;
}

/**
 * One large move between two consecutive snapshots of a series (two state exports of a
 * strategy/symbol/mode, or two runs of a symbol/mode).
 */
export interface LargeChange {
  at: string;
  previousAt: string;
  section: 'ev' | 'slippage' | 'turnover';
  metric: string;
  series: string;
  from: number;
  to: number;
  /** absolute moves are in the metric's unit; relative ones a fraction of `from` */
  kind: 'absolute' | 'relative';
  change: number;
  /** the change over its threshold: ≥ 1 for every listed change, the ranking key */
  score: number;
  sources: ChangeSource[];
}

export interface ChangesView {
  listed: LargeChange[];
  /** large changes found in all, listed or not */
  found: number;
  rule: PageSettings['large_change'];
}

interface Step {
  at: string;
  previousAt: string;
  from: number | null;
  to: number | null;
  sources: ChangeSource[];
}

function judged(
  step: Step,
  kind: 'absolute' | 'relative',
  threshold: number,
  fields: Pick<LargeChange, 'section' | 'metric' | 'series'>,
): LargeChange | null {
  const { from, to } = step;
  if (from === null || to === null) return null;
  if (kind === 'relative' && from === 0) return null;
  const change = kind === 'absolute' ? to - from : (to - from) / Math.abs(from);
  const score = Math.abs(change) / threshold;
  if (score < 1) return null;
  return {
    ...fields,
    at: step.at,
    previousAt: step.previousAt,
    from,
    to,
    kind,
    change,
    score,
    sources: step.sources,
  };
}

function consecutive<Row>(rows: readonly Row[], step: (previous: Row, current: Row) => Step): Step[] {
  return rows.slice(1).map((current, index) => step(rows[index] as Row, current));
}

/** Where a run's figures come from: its daily.csv when it was read, else its folder. */
function runSource(runsRoot: string | null, run: TurnoverRow): ChangeSource[] {
  if (runsRoot === null) return [];
  const folder = `${runsRoot}/${run.run_id}/`;
  return [{ label: run.run_id, path: run.days === null ? folder : `${folder}daily.csv` }];
}

/**
 * The large changes, largest first (by how far each exceeds its threshold, then newest):
 * win-rate LCB moving by ≥ `win_rate_lcb` (absolute) between two state exports of a series; a
 * slip.a coefficient moving by ≥ `slip_coefficient` of its previous value; avg_trades_per_day
 * moving by ≥ `trades_per_day` of its previous value, or win_rate by ≥ `win_rate` (absolute),
 * between two consecutive runs of a symbol/mode.
 */
export function largeChanges(
  data: {
    ev: readonly EvHistoryRow[] | null;
    slippage: readonly SlippageStateRow[] | null;
    turnover: readonly TurnoverRow[] | null;
    /** root-relative runs root, null when it is outside the workspace */
    runsRoot: string | null;
  },
  rule: PageSettings['large_change'],
): ChangesView {
  const changes: LargeChange[] = [];
  const sourceOf = new Map<string, string>();
  for (const row of data.ev ?? [])
    sourceOf.set(JSON.stringify([row.strategy, row.symbol, row.mode, row.timestamp]), row.source_path);
  const stateSources = (row: { strategy: string; symbol: string; mode: string; timestamp: string }) => {
    const path = sourceOf.get(JSON.stringify([row.strategy, row.symbol, row.mode, row.timestamp]));
    return path ? [{ label: row.timestamp.slice(0, 10), path }] : [];
  };

  for (const series of groupBySeries(data.ev ?? [])) {
    const steps = consecutive(series.rows, (previous, current) => ({
      at: current.timestamp,
      previousAt: previous.timestamp,
      from: previous.win_rate_lcb,
      to: current.win_rate_lcb,
      sources: [...stateSources(previous), ...stateSources(current)],
    }));
    for (const step of steps) {
      const found = judged(step, 'absolute', rule.win_rate_lcb, {
        section: 'ev',
        metric: 'win-rate LCB',
        series: series.label,
      });
      if (found) changes.push(found);
    }
  }

  for (const series of groupBySeries(data.slippage ?? [])) {
    for (const band of SLIP_BANDS) {
      const steps = consecutive(series.rows, (previous, current) => ({
        at: current.timestamp,
        previousAt: previous.timestamp,
        from: previous.coefficients?.[band] ?? null,
        to: current.coefficients?.[band] ?? null,
        sources: [...stateSources(previous), ...stateSources(current)],
      }));
      for (const step of steps) {
        const found = judged(step, 'relative', rule.slip_coefficient, {
          section: 'slippage',
          metric: `slip.a ${band}`,
          series: series.label,
        });
        if (found) changes.push(found);
      }
    }
  }

  const runsBySeries = new Map<string, TurnoverRow[]>();
  for (const run of data.turnover ?? []) {
    const key = `${run.symbol ?? '—'} · ${run.mode ?? '—'}`;
    runsBySeries.set(key, [...(runsBySeries.get(key) ?? []), run]);
  }
  for (const [label, runs] of runsBySeries) {
    const metrics = [
      {
        metric: 'avg trades per day',
        kind: 'relative',
        threshold: rule.trades_per_day,
        value: (run: TurnoverRow) => run.avg_trades_per_day,
      },
      {
        metric: 'win rate',
        kind: 'absolute',
        threshold: rule.win_rate,
        value: (run: TurnoverRow) => run.win_rate,
      },
    ] as const;
    for (const { metric, kind, threshold, value } of metrics) {
      const steps = consecutive(runs, (previous, current) => ({
        at: current.timestamp ?? '',
        previousAt: previous.timestamp ?? '',
        from: value(previous),
        to: value(current),
        sources: [...runSource(data.runsRoot, previous), ...runSource(data.runsRoot, current)],
      }));
      for (const step of steps) {
        const found = judged(step, kind, threshold, { section: 'turnover', metric, series: label });
        if (found) changes.push(found);
      }
    }
  }

  changes.sort(
    (left, right) => right.score - left.score || (left.at < right.at ? 1 : left.at > right.at ? -1 : 0),
  );
  return { listed: changes.slice(0, rule.max_listed), found: changes.length, rule };
}

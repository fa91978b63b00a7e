import { roundTo } from '@obs-automation/core';
import type { ExecutionRow } from '../portfolio-telemetry.js';
import type { SlippageStateRow } from '../slippage-dataset.js';
import type { PageSettings } from './page-settings.js';
import { groupBySeries } from './series-key.js';

export const SLIP_BANDS = ['narrow', 'normal', 'wide'] as const;
export type SlipBand = (typeof SLIP_BANDS)[number];
/** Coefficient trend charts drawn at most; further series are in the table only. */
export const MAX_COEFFICIENT_CHARTS = 12;

export interface CoefficientCell {
  latest: number | null;
  median: number | null;
  /** (latest − median) / median; null when either is missing or the median is 0 */
  drift: number | null;
  flagged: boolean;
}

export interface CoefficientSummary {
  label: string;
  latestAt: string;
  snapshots: number;
  bands: Record<SlipBand, CoefficientCell>;
}

export interface ExecutionSummary {
  row: ExecutionRow;
  slippageFlagged: boolean;
  rejectFlagged: boolean;
}

export interface CoefficientChartData {
  label: string;
  x: number[];
  bands: Record<SlipBand, (number | null)[]>;
  points: number;
}

export interface SlippageView {
  coefficients: CoefficientSummary[];
  execution: ExecutionSummary[];
  charts: CoefficientChartData[];
  thresholds: Pick<PageSettings, 'slippage_bps_max' | 'reject_rate_max' | 'slip_coefficient_drift'>;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function coefficientCell(values: readonly (number | null)[], allowedDrift: number): CoefficientCell {
  const latest = values.at(-1) ?? null;
  const middle = median(values.filter((value) => value !== null));
  const drift =
    latest === null || middle === null || middle === 0 ? null : (latest - middle) / Math.abs(middle);
  return { latest, median: middle, drift, flagged: drift !== null && Math.abs(drift) > allowedDrift };
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const coefficient = (value: number | null | undefined) => (value == null ? null : roundTo(value, 6));

/**
 * The slippage section: each series' latest slip.a coefficients against the median of its
 * snapshots, and execution health against the configured ceilings.
 */
export function slippageView(
  state: readonly SlippageStateRow[],
  execution: readonly ExecutionRow[],
  settings: PageSettings,
): SlippageView {
  const series = groupBySeries(state);
  const bandValues = (rows: readonly SlippageStateRow[], band: SlipBand) =>
    rows.map((row) => coefficient(row.coefficients?.[band]));
  return {
    coefficients: series.map((group) => ({
      label: group.label,
      latestAt: (group.rows.at(-1) as SlippageStateRow).timestamp,
      snapshots: group.rows.length,
      bands: Object.fromEntries(
        SLIP_BANDS.map((band) => [
          band,
          coefficientCell(bandValues(group.rows, band), settings.slip_coefficient_drift),
        ]),
      ) as Record<SlipBand, CoefficientCell>,
    })),
    execution: execution.map((row) => ({
      row,
      slippageFlagged: row.slippage_bps !== null && row.slippage_bps > settings.slippage_bps_max,
      rejectFlagged: row.reject_rate !== null && row.reject_rate > settings.reject_rate_max,
    })),
    charts: series.slice(0, MAX_COEFFICIENT_CHARTS).map((group) => ({
      label: group.label,
      x: group.rows.map((row) => seconds(row.timestamp)),
      bands: Object.fromEntries(SLIP_BANDS.map((band) => [band, bandValues(group.rows, band)])) as Record<
        SlipBand,
        (number | null)[]
      >,
      points: group.rows.length,
    })),
    thresholds: {
      slippage_bps_max: settings.slippage_bps_max,
      reject_rate_max: settings.reject_rate_max,
      slip_coefficient_drift: settings.slip_coefficient_drift,
    },
  };
}

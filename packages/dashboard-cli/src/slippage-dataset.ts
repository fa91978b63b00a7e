import { finiteOrNull, isJsonObject } from '@obs-automation/core';
import type { DatasetContent } from './dataset-content.js';
import type { PortfolioTelemetry } from './portfolio-telemetry.js';
import { latestPerSeries, type StateExport, type StateExportScan } from './state-exports.js';

export interface SlippageStateRow {
  timestamp: string;
  strategy: string;
  symbol: string;
  mode: string;
  coefficients: { narrow: number | null; normal: number | null; wide: number | null } | null;
  curve: Record<string, unknown> | null;
  ewma_alpha: number | null;
}

function slippageStateRow(item: StateExport): SlippageStateRow {
  const slip = isJsonObject(item.document.slip) ? item.document.slip : {};
  const coefficients = isJsonObject(slip.a)
    ? {
        narrow: finiteOrNull(slip.a.narrow),
        normal: finiteOrNull(slip.a.normal),
        wide: finiteOrNull(slip.a.wide),
      }
    : null;
  return {
    timestamp: item.timestamp.toISOString(),
    strategy: item.strategy,
    symbol: item.symbol,
    mode: item.mode,
    coefficients,
    curve: isJsonObject(slip.curve) ? slip.curve : null,
    ewma_alpha: finiteOrNull(slip.ewma_alpha),
  };
}

/**
 * slippage: `state` rows from the newest `limit` state exports of each series and `execution`
 * rows from the router telemetry. The file lists both under `state` and `execution`, and
 * together under `rows` (each tagged with its `kind`), so `row_count` counts both.
 */
export function buildSlippage(
  scan: StateExportScan,
  limit: number,
  telemetry: PortfolioTelemetry,
  sources: string[],
): DatasetContent {
  const selected = latestPerSeries(scan, limit);
  const state = selected.map(slippageStateRow);
  const execution = telemetry.rows;
  return {
    dataset: 'slippage',
    rows: [
      ...state.map((row) => ({ kind: 'state', ...row })),
      ...execution.map((row) => ({ kind: 'execution', ...row })),
    ],
    extra: { state, execution },
    inputs: [...selected.map((item) => ({ path: item.sourcePath, sha256: item.sha256 })), telemetry.input],
    sources,
  };
}

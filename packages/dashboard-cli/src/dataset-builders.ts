import { JobError } from '@obs-automation/core';
import type { DashboardOptions } from './dashboard-options.js';
import type { DatasetContent } from './dataset-content.js';
import type { DatasetName } from './dataset-names.js';
import { buildEvHistory } from './ev-history-dataset.js';
import { displayPath } from './input-files.js';
import { buildLatency } from './latency-dataset.js';
import { readPortfolioTelemetry } from './portfolio-telemetry.js';
import { buildSlippage } from './slippage-dataset.js';
import { type SkippedStateFile, type StateExportScan, scanStateExports } from './state-exports.js';
import { buildTurnover } from './turnover-dataset.js';

/** Absolute locations of the inputs. */
export interface DatasetSources {
  root: string;
  stateArchiveRoot: string;
  portfolioTelemetry: string;
  runsRoot: string;
  latencyRollup: string;
}

export interface BuiltDatasets {
  contents: DatasetContent[];
  failures: { dataset: DatasetName; error: JobError }[];
  /** state exports skipped by the scan (undefined when no dataset needed the state archive) */
  skippedStateFiles?: SkippedStateFile[];
}

const STATE_DATASETS: readonly DatasetName[] = ['ev_history', 'slippage'];

/**
 * Builds the requested datasets independently: a dataset whose input is missing or invalid
 * fails alone (its JobError is returned) and the others are still built. The state archive is
 * scanned once for ev_history and slippage.
 */
export async function buildDatasets(
  options: DashboardOptions,
  sources: DatasetSources,
): Promise<BuiltDatasets> {
  const { root } = sources;
  const needsState = options.datasets.filter((name) => STATE_DATASETS.includes(name));
  const keepPerSeries = Math.max(
    needsState.includes('ev_history') ? options.evHistoryLimit : 0,
    needsState.includes('slippage') ? options.slipLimit : 0,
  );
  const scan: Promise<StateExportScan> | null =
    needsState.length > 0
      ? scanStateExports(sources.stateArchiveRoot, root, options.filters, keepPerSeries)
      : null;
  const shownArchive = displayPath(root, sources.stateArchiveRoot);
  const builders: Record<DatasetName, () => Promise<DatasetContent>> = {
    ev_history: async () =>
      buildEvHistory(await (scan as Promise<StateExportScan>), options.evHistoryLimit, shownArchive),
    slippage: async () => {
      const [stateScan, telemetry] = await Promise.all([
        scan as Promise<StateExportScan>,
        readPortfolioTelemetry(sources.portfolioTelemetry, root),
      ]);
      return buildSlippage(stateScan, options.slipLimit, telemetry, [shownArchive, telemetry.input.path]);
    },
    turnover: () => buildTurnover(sources.runsRoot, root, options.turnoverLimit),
    latency: () => buildLatency(sources.latencyRollup, root, options.latencyLimit),
  };
  const settled = await Promise.allSettled(options.datasets.map((name) => builders[name]()));
  const built: BuiltDatasets = { contents: [], failures: [] };
  settled.forEach((result, index) => {
    const dataset = options.datasets[index] as DatasetName;
    if (result.status === 'fulfilled') built.contents.push(result.value);
    else if (result.reason instanceof JobError) built.failures.push({ dataset, error: result.reason });
    else throw result.reason;
  });
  if (scan) {
    const stateScan = await scan.catch(() => null);
    if (stateScan) built.skippedStateFiles = stateScan.skipped;
  }
  return built;
}

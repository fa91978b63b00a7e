import { finiteOrNull, invalidInput } from '@obs-automation/core';
import type { DatasetContent } from './dataset-content.js';
import { latestPerSeries, type StateExport, type StateExportScan } from './state-exports.js';
import { DEFAULT_CONFIDENCE, winRateLcb, winRateMean } from './win-rate.js';

export interface EvHistoryRow {
  timestamp: string;
  strategy: string;
  symbol: string;
  mode: string;
  ev_alpha: number;
  ev_beta: number;
  decay: number | null;
  confidence: number;
  win_rate_mean: number | null;
  win_rate_lcb: number | null;
  source_path: string;
}

function confidenceOf(item: StateExport): number {
  const conf = item.evGlobal.conf;
  if (conf === undefined || conf === null) return DEFAULT_CONFIDENCE;
  if (typeof conf !== 'number' || !Number.isFinite(conf)) {
    throw invalidInput({ file: item.sourcePath, key: 'ev_global.conf' }, 'expected a number');
  }
  return conf;
}

function evHistoryRow(item: StateExport): EvHistoryRow {
  // scanStateExports has checked that alpha and beta are finite numbers.
  const alpha = item.evGlobal.alpha as number;
  const beta = item.evGlobal.beta as number;
  const confidence = confidenceOf(item);
  return {
    timestamp: item.timestamp.toISOString(),
    strategy: item.strategy,
    symbol: item.symbol,
    mode: item.mode,
    ev_alpha: alpha,
    ev_beta: beta,
    decay: finiteOrNull(item.evGlobal.decay),
    confidence,
    win_rate_mean: winRateMean(alpha, beta),
    win_rate_lcb: winRateLcb(alpha, beta, confidence),
    source_path: item.sourcePath,
  };
}

/** ev_history: the newest `limit` state exports of each (strategy, symbol, mode), oldest first. */
export function buildEvHistory(scan: StateExportScan, limit: number, archiveRoot: string): DatasetContent {
  const selected = latestPerSeries(scan, limit);
  return {
    dataset: 'ev_history',
    rows: selected.map(evHistoryRow),
    inputs: selected.map((item) => ({ path: item.sourcePath, sha256: item.sha256 })),
    sources: [archiveRoot],
  };
}

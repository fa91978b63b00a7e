import { missingInput } from '@obs-automation/core';
import { type StoredRollupRow, scanRollupFile } from '@obs-automation/latency-store';
import type { DatasetContent } from './dataset-content.js';
import { displayPath } from './input-files.js';

export interface LatencyRow {
  window_start: string;
  window_end: string;
  count: number;
  failure_count: number;
  failure_rate: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** null for a rollup written before the breach columns existed */
  breach_flag: boolean | null;
  breach_streak: number | null;
}

function toRow(row: StoredRollupRow): LatencyRow {
  return {
    window_start: new Date(row.startMs).toISOString(),
    window_end: new Date(row.endMs).toISOString(),
    count: row.count,
    failure_count: row.failureCount,
    failure_rate: row.failureRate,
    p50_ms: row.p50Ms,
    p95_ms: row.p95Ms,
    p99_ms: row.p99Ms,
    max_ms: row.maxMs,
    breach_flag: row.breachFlag,
    breach_streak: row.breachStreak,
  };
}

/** Newest window first; of two rows for one window, the later in the file. */
const newestFirst = (left: [StoredRollupRow, number], right: [StoredRollupRow, number]) =>
  right[0].startMs - left[0].startMs || right[1] - left[1];

/**
 * latency: the newest `limit` rollup windows, newest first. The rollup is streamed (and hashed
 * in the same pass) keeping only the newest windows seen so far, so memory stays flat whatever
 * the file's size or order.
 */
export async function buildLatency(rollupPath: string, root: string, limit: number): Promise<DatasetContent> {
  const shown = displayPath(root, rollupPath);
  let newest: [StoredRollupRow, number][] = [];
  let order = 0;
  const scan = await scanRollupFile({ path: rollupPath, label: shown }, (row) => {
    newest.push([row, order++]);
    if (newest.length >= limit * 2) newest = newest.sort(newestFirst).slice(0, limit);
  });
  if (!scan) throw missingInput([shown], `latency rollup ${shown} does not exist`);
  return {
    dataset: 'latency',
    rows: newest
      .sort(newestFirst)
      .slice(0, limit)
      .map(([row]) => toRow(row)),
    inputs: [{ path: shown, sha256: scan.sha256 }],
    sources: [shown],
  };
}

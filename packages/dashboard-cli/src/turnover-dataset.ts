import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  type IndexedRun,
  type InputFile,
  inputFile,
  type RunDaily,
  readRunDaily,
  readRunsIndex,
} from '@obs-automation/core';
import { mapWithConcurrency, READ_CONCURRENCY } from './concurrency.js';
import { type DailyStats, dailyStats } from './daily-stats.js';
import type { DatasetContent } from './dataset-content.js';
import { workspacePaths } from './input-files.js';

export type TurnoverRow = {
  run_id: string;
  timestamp: string;
  symbol: string | null;
  mode: string | null;
  trades: number | null;
  wins: number | null;
  win_rate: number | null;
} & { [K in keyof DailyStats]: DailyStats[K] | null };

const NO_DAILY: { [K in keyof DailyStats]: null } = {
  days: null,
  active_days: null,
  avg_trades_per_day: null,
  avg_trades_active_day: null,
  max_drawdown_pips: null,
  drawdown_pct: null,
  start_date: null,
  end_date: null,
};

const MAX_LISTED_RUNS = 20;

/**
 * The last `limit` runs of the index, in file order. Every row is read and checked (as every
 * job reading the index does), keeping only a window of recent runs, and the file is hashed in
 * the same pass.
 */
async function latestRuns(index: InputFile, limit: number): Promise<{ runs: IndexedRun[]; sha256: string }> {
  const hash = createHash('sha256');
  let recent: IndexedRun[] = [];
  for await (const run of readRunsIndex(index, { onBytes: (chunk) => hash.update(chunk) })) {
    recent.push(run);
    if (recent.length >= limit * 2) recent = recent.slice(-limit);
  }
  return { runs: recent.slice(-limit), sha256: hash.digest('hex') };
}

function turnoverRow(run: IndexedRun, daily: RunDaily | null): TurnoverRow {
  return {
    run_id: run.run_id,
    timestamp: run.at.toISOString(),
    symbol: run.symbol,
    mode: run.mode,
    trades: run.trades,
    wins: run.wins,
    win_rate: run.win_rate,
    ...(daily ? dailyStats(daily.days, run.equity, daily.file.relative) : NO_DAILY),
  };
}

/**
 * turnover: the last `limit` runs of `<runs-root>/index.csv` with the figures of their
 * daily.csv (read a few at a time); a run without daily.csv keeps its index fields and has null
 * daily figures.
 */
export async function buildTurnover(runsRoot: string, root: string, limit: number): Promise<DatasetContent> {
  const paths = workspacePaths(root);
  const indexFile = inputFile(paths, join(runsRoot, 'index.csv'));
  const { runs, sha256 } = await latestRuns(indexFile, limit);
  const dailies = await mapWithConcurrency(runs, READ_CONCURRENCY, (run) =>
    readRunDaily(run, runsRoot, paths),
  );
  const withoutDaily = runs.filter((_, index) => dailies[index] === null).map((run) => run.run_id);
  return {
    dataset: 'turnover',
    rows: runs.map((run, index) => turnoverRow(run, dailies[index] ?? null)),
    inputs: [
      { path: indexFile.relative, sha256 },
      ...dailies.flatMap((daily) => (daily ? [{ path: daily.file.relative, sha256: daily.sha256 }] : [])),
    ],
    sources: [indexFile.relative, paths.relativePath(runsRoot)],
    ...(withoutDaily.length > 0
      ? {
          diagnostics: {
            runs_without_daily: withoutDaily.length,
            runs_without_daily_sample: withoutDaily.slice(0, MAX_LISTED_RUNS),
          },
        }
      : {}),
  };
}

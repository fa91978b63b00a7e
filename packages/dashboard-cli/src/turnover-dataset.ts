import { join } from 'node:path';
import { resolveAgainstRoot, sha256Hex } from '@obs-automation/core';
import { mapWithConcurrency, READ_CONCURRENCY } from './concurrency.js';
import { parseCsvBytes } from './csv-source.js';
import { type DailyStats, dailyStats } from './daily-stats.js';
import type { DatasetContent } from './dataset-content.js';
import { displayPath, type InputFile, readOptionalInputFile } from './input-files.js';
import { type RunIndexRow, readLatestRuns } from './runs-index.js';

export type TurnoverRow = {
  run_id: string;
  timestamp: string | null;
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
 * Where a run's daily.csv may be: under its `run_dir` from the index (relative to the workspace
 * root, as the earlier tooling wrote it), then `<runs-root>/<run_id>/`.
 */
function dailyCandidates(run: RunIndexRow, runsRoot: string, root: string): string[] {
  const candidates: string[] = [];
  if (run.runDir !== null) candidates.push(join(resolveAgainstRoot(root, run.runDir), 'daily.csv'));
  if (!/[\\/]/.test(run.runId) && run.runId !== '..' && run.runId !== '.')
    candidates.push(join(runsRoot, run.runId, 'daily.csv'));
  return [...new Set(candidates)];
}

async function readDaily(
  run: RunIndexRow,
  runsRoot: string,
  root: string,
): Promise<{ stats: DailyStats; input: InputFile } | null> {
  for (const candidate of dailyCandidates(run, runsRoot, root)) {
    const shown = displayPath(root, candidate);
    const bytes = await readOptionalInputFile(candidate, shown, 'daily.csv');
    if (bytes === null) continue;
    return {
      stats: dailyStats(parseCsvBytes(bytes, shown, 'daily.csv'), shown, run.equity),
      input: { path: shown, sha256: sha256Hex(bytes) },
    };
  }
  return null;
}

/**
 * turnover: the last `limit` runs of `<runs-root>/index.csv` with the figures of their
 * daily.csv (read a few at a time); a run without daily.csv keeps its index fields and has null
 * daily figures.
 */
export async function buildTurnover(runsRoot: string, root: string, limit: number): Promise<DatasetContent> {
  const indexPath = join(runsRoot, 'index.csv');
  const { runs, input } = await readLatestRuns(indexPath, root, limit);
  const dailies = await mapWithConcurrency(runs, READ_CONCURRENCY, (run) => readDaily(run, runsRoot, root));
  const withoutDaily = runs.filter((_, index) => dailies[index] === null).map((run) => run.runId);
  const rows = runs.map(
    (run, index): TurnoverRow => ({
      run_id: run.runId,
      timestamp: run.timestamp,
      symbol: run.symbol,
      mode: run.mode,
      trades: run.trades,
      wins: run.wins,
      win_rate: run.winRate,
      ...(dailies[index]?.stats ?? NO_DAILY),
    }),
  );
  return {
    dataset: 'turnover',
    rows,
    inputs: [input, ...dailies.flatMap((daily) => (daily ? [daily.input] : []))],
    sources: [displayPath(root, indexPath), displayPath(root, runsRoot)],
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

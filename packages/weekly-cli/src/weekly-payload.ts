import { type IndexedRun, isoSeconds } from '@obs-automation/core';
import { CHECKSUM_FIELD, payloadChecksum } from './payload-checksum.js';
import type { PortfolioSection } from './portfolio-summary.js';
import type { DailyActivity } from './week-runs.js';
import type { PayloadAlert } from './weekly-alerts.js';
import type { LatencySection } from './weekly-latency.js';

export const PAYLOAD_SCHEMA_VERSION = '1.1.0';

/** A run as the payload reports it: the index's figures, its time to the second, and its days. */
export type WeeklyRun = Pick<
  IndexedRun,
  | 'run_id'
  | 'symbol'
  | 'mode'
  | 'trades'
  | 'wins'
  | 'total_pips'
  | 'win_rate'
  | 'sharpe'
  | 'max_drawdown'
  | 'pnl_per_trade'
> & { timestamp: string } & DailyActivity;

export interface WeeklyPayload {
  schema_version: typeof PAYLOAD_SCHEMA_VERSION;
  generated_at: string;
  week_start: string;
  week_end: string;
  /** newest first */
  runs: WeeklyRun[];
  latency: LatencySection;
  portfolio: PortfolioSection;
  benchmarks?: Record<string, unknown>;
  health?: Record<string, unknown>;
  alerts: PayloadAlert[];
  /** input name → root-relative path */
  sources: Record<string, string>;
  payload_checksum_sha256: string;
}

export function weeklyRun(run: IndexedRun, daily: DailyActivity): WeeklyRun {
  return {
    run_id: run.run_id,
    symbol: run.symbol,
    mode: run.mode,
    timestamp: isoSeconds(run.at),
    start_ts: daily.start_ts,
    end_ts: daily.end_ts,
    trades: run.trades,
    wins: run.wins,
    total_pips: run.total_pips,
    win_rate: run.win_rate,
    sharpe: run.sharpe,
    max_drawdown: run.max_drawdown,
    pnl_per_trade: run.pnl_per_trade,
    turnover_per_day: daily.turnover_per_day,
  };
}

/** Adds the checksum over everything else. */
export function sealPayload(content: Omit<WeeklyPayload, typeof CHECKSUM_FIELD>): WeeklyPayload {
  return { ...content, [CHECKSUM_FIELD]: payloadChecksum(content as Record<string, unknown>) };
}

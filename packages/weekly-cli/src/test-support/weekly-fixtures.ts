import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isoSeconds } from '@obs-automation/core';
import { type ArchiveManifestEntry, LATENCY_ROLLUP_COLUMNS } from '@obs-automation/latency-store';

/** Writers for the inputs of obs-weekly, shared by the unit and end-to-end tests. */

export const RUNS_HEADER = [
  'run_id',
  'run_dir',
  'timestamp',
  'symbol',
  'mode',
  'equity',
  'trades',
  'wins',
  'total_pips',
  'sharpe',
  'max_drawdown',
  'win_rate',
  'pnl_per_trade',
];
export const RAW_HEADER = ['timestamp_utc', 'source', 'latency_ms', 'ingest_latency_ms', 'status', 'detail'];

export type CsvRecord = Record<string, string | number | boolean | null | undefined>;

export function csvText(header: readonly string[], rows: readonly CsvRecord[]): string {
  const lines = rows.map((row) => header.map((column) => String(row[column] ?? '')).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

export async function writeText(root: string, path: string, text: string | Buffer): Promise<string> {
  const absolute = join(root, path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, text);
  return absolute;
}

export function writeRunsIndex(root: string, runs: readonly CsvRecord[]): Promise<string> {
  return writeText(root, 'runs/index.csv', csvText(RUNS_HEADER, runs));
}

export interface RollupFixture {
  hour: string;
  count: number;
  p50: number;
  p95: number;
  p99?: number;
  max?: number;
  failureRate?: number;
  breach?: boolean;
  streak?: number;
}

export function rollupCsv(windows: readonly RollupFixture[]): string {
  return csvText(
    LATENCY_ROLLUP_COLUMNS,
    windows.map((window) => ({
      hour_utc: window.hour,
      window_end_utc: isoSeconds(Date.parse(window.hour) + 3_600_000),
      count: window.count,
      failure_count: 0,
      failure_rate: window.failureRate ?? 0,
      p50_ms: window.p50,
      p95_ms: window.p95,
      p99_ms: window.p99 ?? window.p95,
      max_ms: window.max ?? window.p99 ?? window.p95,
      breach_flag: window.breach ?? false,
      breach_streak: window.streak ?? 0,
    })),
  );
}

export function writeRollup(root: string, windows: readonly RollupFixture[]): Promise<string> {
  return writeText(root, 'ops/signal_latency_rollup.csv', rollupCsv(windows));
}

export interface SampleFixture {
  at: string;
  latency: number;
  source?: string;
  status?: string;
}

export function rawCsv(samples: readonly SampleFixture[]): string {
  return csvText(
    RAW_HEADER,
    samples.map((sample) => ({
      timestamp_utc: sample.at,
      source: sample.source ?? 'router',
      latency_ms: sample.latency,
      status: sample.status ?? 'success',
    })),
  );
}

export function writeRawSamples(root: string, samples: readonly SampleFixture[]): Promise<string> {
  return writeText(root, 'ops/signal_latency.csv', rawCsv(samples));
}

/** Writes a gzip archive of samples as the latency job does and returns its manifest entry. */
export async function writeArchive(
  root: string,
  path: string,
  samples: readonly SampleFixture[],
  jobId = '20251010T000000Z-latency',
): Promise<ArchiveManifestEntry> {
  const bytes = gzipSync(rawCsv(samples));
  await writeText(root, path, bytes);
  const times = samples.map((sample) => sample.at).sort();
  return {
    job_id: jobId,
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    row_count: samples.length,
    first_ts: times[0] ?? '',
    last_ts: times[times.length - 1] ?? '',
    reason: 'retention',
    rotated_at: '2025-10-10T00:00:00Z',
  };
}

export function writeArchiveManifest(
  root: string,
  entries: readonly ArchiveManifestEntry[],
): Promise<string> {
  return writeText(
    root,
    'ops/signal_latency_archive/manifest.jsonl',
    entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''),
  );
}

export function portfolioSummary(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    generated_at: '2025-10-10T09:24:42.863760+00:00',
    category_utilisation: [
      { category: 'day', utilisation_pct: 0.5, headroom_pct: 39.5, budget_status: 'ok' },
      { category: 'scalping', utilisation_pct: 0.16, headroom_pct: 14.84, budget_status: 'ok' },
    ],
    gross_exposure: { current_pct: 0.33, cap_pct: 20, headroom_pct: 19.67 },
    drawdowns: {
      aggregate: { max_drawdown_pct: 0.314 },
      per_strategy: { a: { max_drawdown_pct: 0.25 }, b: { max_drawdown_pct: 0.38 } },
    },
    aggregate_equity_curve: [
      { ts: '2025-10-06T00:00:00Z', equity: 200000 },
      { ts: '2025-10-07T00:00:00Z', equity: 200630 },
      { ts: '2025-10-08T00:00:00Z', equity: 199000 },
      { ts: '2025-10-09T00:00:00Z', equity: 201340 },
    ],
    ...overrides,
  };
}

export function writePortfolioSummary(root: string, summary = portfolioSummary()): Promise<string> {
  return writeText(root, 'reports/portfolio_summary.json', `${JSON.stringify(summary, null, 2)}\n`);
}

/** A complete workspace for the week of 2025-10-06: two runs, one with a daily.csv, two latency windows. */
export async function writeWeeklyWorkspace(root: string): Promise<void> {
  await writeRunsIndex(root, [
    {
      run_id: 'USDJPY_conservative_20251008_101500',
      timestamp: '20251008_101500',
      symbol: 'USDJPY',
      mode: 'conservative',
      trades: 12,
      wins: 7,
      total_pips: 33.5,
      sharpe: 1.4,
      max_drawdown: -9.5,
      win_rate: 0.583333,
      pnl_per_trade: 2.791667,
    },
    {
      run_id: 'USDJPY_bridge_20251010_220000',
      timestamp: '20251010_220000',
      symbol: 'USDJPY',
      mode: 'bridge',
      trades: 3,
    },
    {
      run_id: 'USDJPY_conservative_20250929_080000',
      timestamp: '20250929_080000',
      symbol: 'USDJPY',
      mode: 'conservative',
    },
  ]);
  await writeText(
    root,
    'runs/USDJPY_conservative_20251008_101500/daily.csv',
    'date,breakouts,gate_pass,gate_block,ev_pass,ev_reject,fills,wins,pnl_pips\n2025-10-06,9,3,6,3,0,4,2,1.5\n2025-10-07,8,2,6,2,0,2,1,0.5\n2025-10-08,5,1,4,0,1,0,0,0\n',
  );
  await writePortfolioSummary(root);
  await writeRollup(root, [
    { hour: '2025-10-07T10:00:00Z', count: 2, p50: 150, p95: 195, p99: 199, max: 200 },
    { hour: '2025-10-08T11:00:00Z', count: 1, p50: 300, p95: 300, p99: 300, max: 300 },
  ]);
  await writeRawSamples(root, [
    { at: '2025-10-07T10:10:00Z', latency: 100 },
    { at: '2025-10-07T10:20:00Z', latency: 200 },
    { at: '2025-10-08T11:05:00Z', latency: 300 },
  ]);
  await writeText(root, 'ops/latency_job_heartbeat.json', `${JSON.stringify({ pending_alerts: 0 })}\n`);
}

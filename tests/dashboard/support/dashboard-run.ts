import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRuns, writeStateExports, writeTelemetry } from '../../../scripts/sample-workspace.mjs';
import { BIN, type CliResult, cleanEnv, runCli } from '../../support/cli-process.js';

/** The clock of the generated inputs. */
export const NOW = '2026-11-24T12:10:00Z';

export const ROLLUP_HEADER =
  'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

/**
 * A small workspace from the project's seeded generator: 4 runs with 10-day daily.csv files,
 * 3 state exports in each of 4 (strategy, mode) series plus a diff file each, router telemetry,
 * and a two-hour latency rollup.
 */
export async function writeDashboardWorkspace(root: string): Promise<void> {
  const options = { anchorMs: Date.parse(NOW), seed: 7, runs: 4, runWeeks: 2, dailyRows: 10, stateDays: 3 };
  await writeRuns(root, options);
  await writeStateExports(root, options);
  await writeTelemetry(root, options);
  await writeRollup(root, [
    '2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,12,0,0,210.5,880,950,990,false,0',
    '2026-11-24T11:00:00Z,2026-11-24T12:00:00Z,12,1,0.083333,6500,8000,9000,9100,true,1',
  ]);
}

/**
 * Changes the latency dataset's content (one more rollup window, `variant` samples in it), so
 * that the next export's datasets differ from every earlier one and it is kept as a copy.
 */
export function changeDashboardInputs(root: string, variant: number): Promise<void> {
  return writeRollup(root, [
    `2026-11-24T09:00:00Z,2026-11-24T10:00:00Z,${variant},0,0,200,800,900,950,false,0`,
    '2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,12,0,0,210.5,880,950,990,false,0',
    '2026-11-24T11:00:00Z,2026-11-24T12:00:00Z,12,1,0.083333,6500,8000,9000,9100,true,1',
  ]);
}

export async function writeRollup(root: string, rows: readonly string[]): Promise<void> {
  await mkdir(join(root, 'ops'), { recursive: true });
  await writeFile(join(root, 'ops/signal_latency_rollup.csv'), `${[ROLLUP_HEADER, ...rows].join('\n')}\n`);
}

/** Runs the built obs-dashboard on a workspace with a fixed clock. */
export function runDashboard(
  root: string,
  args: readonly string[] = [],
  options: { now?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runCli(BIN.dashboard, ['--root', root, '--now', options.now ?? NOW, ...args], {
    env: cleanEnv(options.env),
  });
}

/** Runs `obs-verify bundle` on a workspace with a fixed clock. */
export function runBundleVerify(
  root: string,
  args: readonly string[] = [],
  now: string = NOW,
): Promise<CliResult> {
  return runCli(BIN.verify, ['bundle', '--root', root, '--now', now, ...args], { env: cleanEnv() });
}

export async function readJson(root: string, path: string): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, path), 'utf8')) as JsonDocument;
}

export async function readJsonLines(root: string, path: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, path), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

/** `--now` shifted by whole days (and minutes) from NOW. */
export function nowPlus(days: number, minutes = 0): string {
  return new Date(Date.parse(NOW) + days * 86_400_000 + minutes * 60_000).toISOString();
}

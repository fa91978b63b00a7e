import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeWeeklyWorkspace } from '../../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { JOBS_NOW, WEEK_START } from './raw-rows.js';

export const RAW = 'ops/signal_latency.csv';
export const ROLLUP = 'ops/signal_latency_rollup.csv';
export const DASHBOARD_LATENCY = 'out/dashboard/latency.json';

/** The arguments each job counts the raw rows with: no network, the same clock, the same week. */
export const LATENCY_ARGS = ['--now', JOBS_NOW, '--dry-run-alert'];
export const WEEKLY_ARGS = ['--now', JOBS_NOW, '--week-start', WEEK_START, '--dry-run-webhook'];
export const DASHBOARD_ARGS = ['--now', JOBS_NOW, '--dataset', 'latency', '--dry-run'];

async function write(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** obs-latency's workspace: only the raw file. */
export async function writeLatencyWorkspace(root: string, raw: string): Promise<void> {
  await write(root, RAW, raw);
}

/**
 * obs-weekly's workspace: its other inputs, the rollup obs-latency wrote, and the raw file as it
 * was before obs-latency moved the rows it rejects out of it.
 */
export async function writeWeeklyWorkspaceFor(root: string, latencyRoot: string, raw: string): Promise<void> {
  await writeWeeklyWorkspace(root);
  await copyFile(join(latencyRoot, ROLLUP), join(root, ROLLUP));
  await write(root, RAW, raw);
}

/** The data rows of a CSV file, header and final line feed left out. */
export async function dataLines(root: string, path: string): Promise<string[]> {
  return (await readFile(join(root, path), 'utf8')).split('\n').slice(1, -1);
}

/** The samples obs-dashboard's latency dataset counts, over all its windows. */
export async function dashboardCount(root: string): Promise<number> {
  const dataset = JSON.parse(await readFile(join(root, DASHBOARD_LATENCY), 'utf8')) as {
    rows: { count: number }[];
  };
  return dataset.rows.reduce((total, row) => total + row.count, 0);
}

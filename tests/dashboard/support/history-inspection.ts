import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { BIN, type CliResult, cleanEnv, makeWorkspace, runCli } from '../../support/cli-process.js';
import { type JsonDocument, readJsonLines, runDashboard, writeDashboardWorkspace } from './dashboard-run.js';

export const HISTORY = 'ops/dashboard_export_history';
export const ARCHIVE = 'ops/dashboard_export_archive_manifest.jsonl';

/** A fresh dashboard workspace for each test of the file; `root` is the current test's. */
export function useDashboardWorkspace(prefix: string): { readonly root: string } {
  let root = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace(prefix));
    await writeDashboardWorkspace(root);
  });
  afterEach(() => cleanup());
  return {
    get root() {
      return root;
    },
  };
}

/** Runs obs-dashboard at `now` and returns its summary; the run must succeed. */
export async function exportDashboard(root: string, now: string): Promise<JsonDocument> {
  const result = await runDashboard(root, [], { now });
  expect(result.exitCode, result.stdout).toBe(0);
  return result.json();
}

/** Bytes of every file under `folder` (its apparent size, as `du -sb` counts files). */
export async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

/** The kept bundle folders of the history (job ids), sorted. */
export async function keptBundles(root: string): Promise<string[]> {
  const names = existsSync(join(root, HISTORY)) ? await readdir(join(root, HISTORY)) : [];
  return names.filter((name) => name !== 'references' && !name.startsWith('.')).sort();
}

/** Every reference line of the history's day files, oldest day first. */
export async function historyReferences(root: string): Promise<JsonDocument[]> {
  const folder = join(root, HISTORY, 'references');
  if (!existsSync(folder)) return [];
  const files = (await readdir(folder)).filter((name) => name.endsWith('.jsonl')).sort();
  const lines: JsonDocument[] = [];
  for (const file of files) lines.push(...(await readJsonLines(root, `${HISTORY}/references/${file}`)));
  return lines;
}

/** `obs-verify --job-id <id>` at `now`: its `job_trace` check (the other checks need the whole chain). */
export async function traceJob(root: string, jobId: string, now: string): Promise<JsonDocument> {
  const result: CliResult = await runCli(
    BIN.verify,
    ['--root', root, '--now', now, '--job-id', jobId, '--require-job-entry'],
    { env: cleanEnv() },
  );
  const report = result.json();
  return {
    ...report.checks.find((check: JsonDocument) => check.name === 'job_trace'),
    failures: report.failures.filter((failure: JsonDocument) => failure.check === 'job_trace'),
  };
}

/**
 * Runs obs-dashboard as the earlier releases did, copying the whole bundle to the history
 * whatever its content: the history is set aside during the run, so the run finds none to
 * compare with, and its copy then joins the others under the same path.
 */
export async function runWithFullCopy(root: string, now: string): Promise<JsonDocument> {
  const history = join(root, HISTORY);
  const aside = join(root, 'ops/history-aside');
  const hadHistory = existsSync(history);
  if (hadHistory) await rename(history, aside);
  const result = await runDashboard(root, [], { now });
  const summary = result.json();
  if (hadHistory) {
    await rename(join(history, summary.job_id), join(aside, summary.job_id));
    await rm(history, { recursive: true });
    await rename(aside, history);
  }
  return summary;
}

import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  type JsonDocument,
  nowPlus,
  readJsonLines,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from './support/dashboard-run.js';
import {
  ARCHIVE,
  exportDashboard,
  HISTORY,
  historyReferences,
  keptBundles,
  traceJob,
  useDashboardWorkspace,
} from './support/history-inspection.js';

const workspace = useDashboardWorkspace('obs-dashboard-history-crash-');

/** The killed run's job lock goes stale after a while (core's tests cover the takeover); removing it stands in for that wait. */
function releaseLock(): Promise<void> {
  return rm(join(workspace.root, 'ops/.dashboard.lock'), { recursive: true, force: true });
}

async function expectEveryJobTraced(jobIds: readonly string[], now: string): Promise<void> {
  for (const jobId of jobIds) {
    const trace = await traceJob(workspace.root, jobId, now);
    expect(trace.failures, jobId).toEqual([]);
  }
}

async function hiddenFiles(folder: string): Promise<string[]> {
  return (await readdir(join(workspace.root, folder))).filter((name) => name.startsWith('.'));
}

/**
 * A kept bundle (NOW), two references on its first day (NOW + 15 min, NOW + 11 h) and one on day
 * 30; a run at day 56 + 1 h prunes the first reference only: its day file is rewritten with the
 * second, and the bundle stays because later references name it.
 */
const PRUNING_RUN = nowPlus(56, 60);
const PRUNING_FAULT_POINTS = [
  'dashboard:after-reference-append',
  'dashboard:after-archive-manifest-append',
  'atomic:before-rename',
  'dashboard:after-reference-prune',
];

describe('obs-dashboard killed while recording a reference or pruning references', () => {
  // The four runs before the pruning run are the same in each test: they run once, into a
  // workspace each test starts from a copy of.
  let beforePruning: { root: string; cleanup: () => Promise<void>; runs: JsonDocument[] };
  beforeAll(async () => {
    const { root, cleanup } = await makeWorkspace('obs-dashboard-history-crash-before-');
    beforePruning = { root, cleanup, runs: [] };
    await writeDashboardWorkspace(root);
    for (const now of [nowPlus(0), nowPlus(0, 15), nowPlus(0, 11 * 60), nowPlus(30)])
      beforePruning.runs.push(await exportDashboard(root, now));
  });
  afterAll(() => beforePruning?.cleanup());

  it.each(PRUNING_FAULT_POINTS)(
    '%s: nothing is lost, each deletion is recorded once, and everything verifies after the re-run',
    async (point) => {
      await rm(workspace.root, { recursive: true, force: true });
      await cp(beforePruning.root, workspace.root, { recursive: true, preserveTimestamps: true });
      const { runs } = beforePruning;
      const [first, pruned] = runs as [JsonDocument, JsonDocument];
      const crashed = await runDashboard(workspace.root, [], {
        now: PRUNING_RUN,
        env: { OBS_FAULT_POINT: point },
      });
      expect(crashed.signal).toBe('SIGKILL');
      await releaseLock();

      const next = await exportDashboard(workspace.root, nowPlus(56, 75));
      expect(next.history).toEqual({ stored: 'reference', bundle: first.job_id });
      expect(await keptBundles(workspace.root)).toEqual([first.job_id]);
      const archive = await readJsonLines(workspace.root, ARCHIVE);
      expect(archive.map((line) => line.job_id)).toEqual([pruned.job_id]);
      const kept = (await historyReferences(workspace.root)).map((line) => line.job_id);
      expect(kept).not.toContain(pruned.job_id);
      for (const run of [...runs.slice(2), next]) expect(kept).toContain(run.job_id);
      expect(await hiddenFiles(`${HISTORY}/references`)).toEqual([]);
      expect(await hiddenFiles(HISTORY)).toEqual([]);

      const verification = await runBundleVerify(workspace.root, [], nowPlus(56, 75));
      expect(verification.json().failures).toEqual([]);
      await expectEveryJobTraced(
        [...runs, next].map((run) => run.job_id),
        nowPlus(56, 75),
      );
    },
    120_000,
  );

  it('atomic:before-rename while the archive manifest drops old records: the re-run drops them once', async () => {
    await exportDashboard(workspace.root, nowPlus(0));
    const old = {
      job_id: '20250101T000000Z-dashboard',
      sequence: 1,
      deleted_at: '2025-01-02T00:00:00.000Z',
      path: `${HISTORY}/20250101T000000Z-dashboard`,
      datasets: [],
    };
    const recent = { ...old, job_id: '20261101T000000Z-dashboard', deleted_at: '2026-11-02T00:00:00.000Z' };
    await writeFile(join(workspace.root, ARCHIVE), `${JSON.stringify(old)}\n${JSON.stringify(recent)}\n`);
    const crashed = await runDashboard(workspace.root, [], {
      now: nowPlus(0, 15),
      env: { OBS_FAULT_POINT: 'atomic:before-rename' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect((await readJsonLines(workspace.root, ARCHIVE)).map((line) => line.job_id)).toEqual([
      old.job_id,
      recent.job_id,
    ]);
    await releaseLock();

    const next = await exportDashboard(workspace.root, nowPlus(0, 30));
    expect(next.archive_records_dropped).toBe(1);
    expect(await readJsonLines(workspace.root, ARCHIVE)).toEqual([recent]);
    expect(
      (await readdir(join(workspace.root, 'ops'))).filter((name) =>
        name.includes('archive_manifest.jsonl.tmp'),
      ),
    ).toEqual([]);
    const verification = await runBundleVerify(workspace.root, [], nowPlus(0, 30));
    expect(verification.json().failures).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changeDashboardInputs,
  type JsonDocument,
  NOW,
  nowPlus,
  readJsonLines,
  runBundleVerify,
} from './support/dashboard-run.js';
import {
  ARCHIVE,
  exportDashboard,
  folderBytes,
  HISTORY,
  historyReferences,
  keptBundles,
  runWithFullCopy,
  traceJob,
  useDashboardWorkspace,
} from './support/history-inspection.js';

const workspace = useDashboardWorkspace('obs-dashboard-references-');

async function expectTraced(jobId: string, now: string, result = 'verified'): Promise<JsonDocument> {
  const trace = await traceJob(workspace.root, jobId, now);
  expect(trace.failures, jobId).toEqual([]);
  expect(trace.status).toBe('pass');
  expect(trace.details.artefacts.map((note: JsonDocument) => note.result)).toContain(result);
  return trace;
}

async function expectBundleVerifies(now: string): Promise<void> {
  const verification = await runBundleVerify(workspace.root, [], now);
  expect(verification.json().failures).toEqual([]);
  expect(verification.exitCode).toBe(0);
}

describe('obs-dashboard history without copies of unchanged bundles', () => {
  it('20 runs on unchanged inputs keep one bundle and 19 references, ≤ 10 × one bundle, and their job ids verify', async () => {
    const jobIds: string[] = [];
    for (let run = 0; run < 20; run += 1) {
      const summary = await exportDashboard(workspace.root, nowPlus(0, 15 * run));
      expect(summary.history.stored).toBe(run === 0 ? 'copy' : 'reference');
      jobIds.push(summary.job_id);
    }
    const kept = await keptBundles(workspace.root);
    expect(kept).toEqual([jobIds[0]]);
    const references = await historyReferences(workspace.root);
    expect(references.map((line) => line.job_id)).toEqual(jobIds.slice(1));
    expect(new Set(references.map((line) => line.bundle))).toEqual(new Set([jobIds[0]]));
    expect(references.map((line) => line.sequence)).toEqual(jobIds.slice(1).map((_, index) => index + 2));

    const bundleBytes = await folderBytes(join(workspace.root, HISTORY, jobIds[0] as string));
    const historyBytes = await folderBytes(join(workspace.root, HISTORY));
    expect(historyBytes).toBeLessThanOrEqual(10 * bundleBytes);
    // A copy per run would have taken about 20 bundles (56 days of them: bench/results.md).
    expect(historyBytes).toBeLessThan(2 * bundleBytes);

    const at = nowPlus(0, 15 * 20);
    await expectBundleVerifies(at);
    await expectTraced(jobIds[0] as string, at);
    // every trace of a reference takes the same path: the first, one in the middle, the last
    for (const jobId of [jobIds[1], jobIds[10], jobIds[19]] as string[]) {
      const trace = await expectTraced(jobId, at);
      expect(trace.details.artefacts).toContainEqual(
        expect.objectContaining({
          path: `${HISTORY}/${jobIds[0]}`,
          kind: 'dashboard_reference',
          result: 'verified',
        }),
      );
    }
  }, 300_000);

  it('keeps a new bundle when an input changes, and refers the next unchanged runs to it', async () => {
    const first = await exportDashboard(workspace.root, NOW);
    const same = await exportDashboard(workspace.root, nowPlus(0, 15));
    await changeDashboardInputs(workspace.root, 5);
    const changed = await exportDashboard(workspace.root, nowPlus(0, 30));
    const after = await exportDashboard(workspace.root, nowPlus(0, 45));
    expect([first, same, changed, after].map((summary) => summary.history)).toEqual([
      { stored: 'copy', bundle: first.job_id },
      { stored: 'reference', bundle: first.job_id },
      { stored: 'copy', bundle: changed.job_id },
      { stored: 'reference', bundle: changed.job_id },
    ]);
    expect(await keptBundles(workspace.root)).toEqual([first.job_id, changed.job_id]);
    expect(after.artefacts).toContain(`${HISTORY}/references/2026-11-24.jsonl`);
    await expectBundleVerifies(nowPlus(0, 45));
    for (const summary of [first, same, changed, after]) await expectTraced(summary.job_id, nowPlus(0, 45));
  });

  it('prunes at day 57 only what no kept run refers to, recording each deletion first', async () => {
    const first = await exportDashboard(workspace.root, NOW);
    const early = await exportDashboard(workspace.root, nowPlus(0, 15));
    const middle = await exportDashboard(workspace.root, nowPlus(30));
    const day57 = await exportDashboard(workspace.root, nowPlus(57, 30));
    // The first bundle is past the retention but the references of day 30 and 57 still name it.
    expect(day57.history_pruned).toBe(1);
    expect(await keptBundles(workspace.root)).toEqual([first.job_id]);
    expect(existsSync(join(workspace.root, HISTORY, 'references/2026-11-24.jsonl'))).toBe(false);
    expect(await readJsonLines(workspace.root, ARCHIVE)).toEqual([
      {
        job_id: early.job_id,
        sequence: 2,
        deleted_at: new Date(nowPlus(57, 30)).toISOString(),
        path: `${HISTORY}/references/2026-11-24.jsonl`,
        datasets: [],
        bundle: first.job_id,
      },
    ]);
    await expectBundleVerifies(nowPlus(57, 30));
    await expectTraced(early.job_id, nowPlus(57, 30), 'deleted_by_retention');
    for (const summary of [first, middle, day57]) await expectTraced(summary.job_id, nowPlus(57, 30));

    // Once every run naming it is past the retention, the first bundle goes too.
    await changeDashboardInputs(workspace.root, 5);
    const changed = await exportDashboard(workspace.root, nowPlus(60));
    const late = await exportDashboard(workspace.root, nowPlus(120));
    expect(late.history).toEqual({ stored: 'reference', bundle: changed.job_id });
    expect(late.history_pruned).toBe(3);
    expect(await keptBundles(workspace.root)).toEqual([changed.job_id]);
    const archived = (await readJsonLines(workspace.root, ARCHIVE)).map((line) => line.job_id);
    expect(archived.sort()).toEqual([first.job_id, early.job_id, middle.job_id, day57.job_id].sort());
    await expectBundleVerifies(nowPlus(120));
    await expectTraced(first.job_id, nowPlus(120), 'deleted_by_retention');
    await expectTraced(day57.job_id, nowPlus(120), 'deleted_by_retention');
    await expectTraced(late.job_id, nowPlus(120));
  });

  it('keeps an expiring bundle that only an older day file still names, reading back as far as that', async () => {
    const first = await exportDashboard(workspace.root, NOW);
    const referring = await exportDashboard(workspace.root, nowPlus(10));
    expect(referring.history).toEqual({ stored: 'reference', bundle: first.job_id });
    await changeDashboardInputs(workspace.root, 5);
    const second = await exportDashboard(workspace.root, nowPlus(20));
    expect(second.history).toEqual({ stored: 'copy', bundle: second.job_id });
    expect((await exportDashboard(workspace.root, nowPlus(30))).history.bundle).toBe(second.job_id);
    // The newest day file names the second bundle; day 10's still names the first, which stays.
    const day57 = await exportDashboard(workspace.root, nowPlus(57, 30));
    expect(day57.history_pruned).toBe(0);
    expect(await keptBundles(workspace.root)).toEqual([first.job_id, second.job_id].sort());
    await expectBundleVerifies(nowPlus(57, 30));
    await expectTraced(referring.job_id, nowPlus(57, 30));
  });

  it('keeps a history of full copies written by earlier releases working and verifying', async () => {
    const old: JsonDocument[] = [];
    for (let run = 0; run < 4; run += 1)
      old.push(await runWithFullCopy(workspace.root, nowPlus(0, 15 * run)));
    const oldIds = old.map((summary) => summary.job_id);
    expect(await keptBundles(workspace.root)).toEqual(oldIds);
    await expectBundleVerifies(nowPlus(0, 60));

    const next = await exportDashboard(workspace.root, nowPlus(0, 60));
    expect(next.history).toEqual({ stored: 'reference', bundle: oldIds[3] });
    await expectBundleVerifies(nowPlus(0, 60));
    for (const jobId of [...oldIds, next.job_id]) await expectTraced(jobId, nowPlus(0, 60));

    // The three older copies and the reference of the first new run are past the retention; the
    // newest copy is named by this run's reference.
    const day57 = await exportDashboard(workspace.root, nowPlus(57));
    expect(day57.history).toEqual({ stored: 'reference', bundle: oldIds[3] });
    expect(day57.history_pruned).toBe(4);
    expect(await keptBundles(workspace.root)).toEqual([oldIds[3]]);
    await expectBundleVerifies(nowPlus(57));
    await expectTraced(oldIds[0], nowPlus(57), 'deleted_by_retention');
    await expectTraced(oldIds[3], nowPlus(57));
  });

  it('refuses to refer to a kept bundle whose files changed: the run keeps its own copy', async () => {
    const first = await exportDashboard(workspace.root, NOW);
    const latency = join(workspace.root, HISTORY, first.job_id, 'latency.json');
    await writeFile(latency, (await readFile(latency, 'utf8')).replace('"count": 12', '"count": 13'));
    const next = await exportDashboard(workspace.root, nowPlus(0, 15));
    expect(next.history).toEqual({ stored: 'copy', bundle: next.job_id });
    expect(next.diagnostics.history_comparison_problem).toContain('latency.json has SHA-256');
    expect(next).toMatchObject({ status: 'warning', diagnostics: { error_code: 'history_bundle_invalid' } });
  });

  it('reports a reference whose kept bundle is gone or altered (obs-verify bundle)', async () => {
    const first = await exportDashboard(workspace.root, NOW);
    await exportDashboard(workspace.root, nowPlus(0, 15));
    const latency = join(workspace.root, HISTORY, first.job_id, 'latency.json');
    await writeFile(latency, (await readFile(latency, 'utf8')).replace('"count": 12', '"count": 13'));
    const altered = await runBundleVerify(workspace.root, [], nowPlus(0, 15));
    expect(altered.exitCode).toBe(1);
    expect(altered.json().failures).toEqual([
      expect.objectContaining({ check: 'history_references', error_code: 'checksum_mismatch' }),
    ]);
    await rm(join(workspace.root, HISTORY, first.job_id), { recursive: true });
    const gone = await runBundleVerify(workspace.root, [], nowPlus(0, 15));
    expect(gone.json().failures).toEqual([
      expect.objectContaining({ check: 'history_references', error_code: 'history_reference_broken' }),
    ]);
  });
});

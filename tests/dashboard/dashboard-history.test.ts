import { existsSync } from 'node:fs';
import { cp, lstat, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  changeDashboardInputs,
  NOW,
  nowPlus,
  readJson,
  readJsonLines,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from './support/dashboard-run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-dashboard-history-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

const HISTORY = 'ops/dashboard_export_history';
const ARCHIVE = 'ops/dashboard_export_archive_manifest.jsonl';

describe('obs-dashboard history retention', () => {
  it('deletes bundles older than the retention after recording each in the archive manifest', async () => {
    for (const [variant, now] of [NOW, nowPlus(1), nowPlus(30)].entries()) {
      await changeDashboardInputs(root, variant + 1);
      expect((await runDashboard(root, [], { now })).exitCode).toBe(0);
    }
    const firstTwo = await Promise.all(
      (await readdir(join(root, HISTORY)))
        .sort()
        .slice(0, 2)
        .map((name) => readJson(root, `${HISTORY}/${name}/manifest.json`)),
    );

    await changeDashboardInputs(root, 4);
    const result = await runDashboard(root, [], { now: nowPlus(57, 30) });
    expect(result.exitCode).toBe(0);
    expect(result.json().history_pruned).toBe(2);
    expect(result.json().artefacts).toContain(ARCHIVE);
    expect((await readdir(join(root, HISTORY))).sort()).toEqual([
      '20261224T121000Z-dashboard',
      '20270120T124000Z-dashboard',
    ]);
    const lines = await readJsonLines(root, ARCHIVE);
    expect(lines).toEqual(
      firstTwo.map((manifest) => ({
        job_id: manifest.job_id,
        sequence: manifest.sequence,
        deleted_at: new Date(nowPlus(57, 30)).toISOString(),
        path: `${HISTORY}/${manifest.job_id}`,
        datasets: manifest.datasets.map((entry: Record<string, unknown>) => ({
          dataset: entry.dataset,
          checksum_sha256: entry.checksum_sha256,
          row_count: entry.row_count,
        })),
      })),
    );
    const verification = await runBundleVerify(root, [], nowPlus(57, 30));
    expect(verification.json().failures).toEqual([]);
  });

  it('keeps and reports a history bundle whose manifest is unreadable, and continues the sequence', async () => {
    expect((await runDashboard(root)).exitCode).toBe(0);
    const broken = join(root, HISTORY, '20261124T121000Z-dashboard', 'manifest.json');
    await writeFile(broken, '{"sequence": 1,');
    const result = await runDashboard(root, [], { now: nowPlus(90) });
    expect(result.exitCode).toBe(0);
    // the run works around it, but is not ok while it stays
    expect(result.json()).toMatchObject({ status: 'warning', sequence: 2, history_pruned: 0 });
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'history_bundle_invalid',
      error_message: expect.stringContaining('20261124T121000Z-dashboard: manifest.json is not valid JSON'),
    });
    expect(result.json().diagnostics.history_unreadable).toEqual([
      expect.stringContaining(`${HISTORY}/20261124T121000Z-dashboard: manifest.json is not valid JSON`),
    ]);
    expect(existsSync(broken)).toBe(true);
    // the page's own row says so too: warning, with the code under it
    const page = await readFile(join(root, 'out/dashboard/index.html'), 'utf8');
    expect(page).toMatch(
      /<tr data-job="dashboard"[^>]*>.*?data-field="status" data-value="warning" data-warning-code="history_bundle_invalid"/s,
    );
    expect(page).toContain('⚠ last run ended warning: dashboard (history_bundle_invalid)');
  });

  it('refuses a link planted under a bundle’s name: never followed nor deleted, the run warns, obs-verify names it', async () => {
    expect((await runDashboard(root)).exitCode).toBe(0);
    const outside = join(root, 'elsewhere');
    await cp(join(root, HISTORY, '20261124T121000Z-dashboard'), outside, { recursive: true });
    const planted = '20261101T000000Z-dashboard';
    await symlink(outside, join(root, HISTORY, planted));

    await changeDashboardInputs(root, 2);
    const result = await runDashboard(root, [], { now: nowPlus(57, 30) });
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ status: 'warning', sequence: 2 });
    expect(result.json().diagnostics).toMatchObject({
      error_code: 'history_bundle_invalid',
      history_unreadable: [`${HISTORY}/${planted}: is not a folder (a link, a file, a FIFO): not read`],
    });
    expect((await lstat(join(root, HISTORY, planted))).isSymbolicLink()).toBe(true);
    expect(existsSync(join(outside, 'manifest.json'))).toBe(true);

    const verification = await runBundleVerify(root, [], nowPlus(57, 30));
    expect(verification.exitCode).toBe(1);
    expect(verification.json().failures).toContainEqual(
      expect.objectContaining({
        error_code: 'history_bundle_invalid',
        message: `history bundle ${HISTORY}/${planted}: is not a folder (a link, a file, a FIFO): not read`,
      }),
    );
  });

  it('reads only the newest bundles and those old enough to expire; obs-verify bundle checks the rest', async () => {
    for (let day = 0; day < 8; day += 1) {
      await changeDashboardInputs(root, day + 1);
      expect((await runDashboard(root, [], { now: nowPlus(day) })).exitCode).toBe(0);
    }
    const folders = (await readdir(join(root, HISTORY))).filter((name) => name.endsWith('-dashboard')).sort();
    expect(folders).toHaveLength(8);
    // the second bundle: neither among the four newest nor old enough to expire
    const middle = folders[1] as string;
    await writeFile(join(root, HISTORY, middle, 'manifest.json'), '{"sequence": 2,');

    await changeDashboardInputs(root, 9);
    const next = await runDashboard(root, [], { now: nowPlus(8) });
    expect(next.exitCode).toBe(0);
    expect(next.json()).toMatchObject({ status: 'ok', sequence: 9, history_pruned: 0 });
    expect(next.json().diagnostics?.history_unreadable).toBeUndefined();
    const verification = await runBundleVerify(root, [], nowPlus(8));
    expect(verification.exitCode).toBe(1);
    expect(JSON.stringify(verification.json().failures)).toContain(middle);

    // once its name is past the retention it is read: reported and kept, never deleted unread
    await changeDashboardInputs(root, 10);
    const late = await runDashboard(root, [], { now: nowPlus(57, 30) });
    expect(late.exitCode).toBe(0);
    // the first bundle expired; the second is as old, but its manifest cannot say so
    expect(late.json()).toMatchObject({ status: 'warning', history_pruned: 1 });
    expect(late.json().diagnostics.history_unreadable).toEqual([
      expect.stringContaining(`${HISTORY}/${middle}: manifest.json is not valid JSON`),
    ]);
    expect(existsSync(join(root, HISTORY, middle))).toBe(true);
    expect(existsSync(join(root, HISTORY, folders[0] as string))).toBe(false);
  });

  it('lets obs-verify bundle find a bundle left past retention without a record', async () => {
    for (const [variant, now] of [NOW, nowPlus(1)].entries()) {
      await changeDashboardInputs(root, variant + 1);
      expect((await runDashboard(root, [], { now })).exitCode).toBe(0);
    }
    const verification = await runBundleVerify(root, ['--retention-days', '1'], nowPlus(3));
    expect(verification.exitCode).toBe(1);
    expect(verification.json().failures).toEqual([
      expect.objectContaining({ check: 'history_retention', error_code: 'retention_violation' }),
    ]);
  });
});

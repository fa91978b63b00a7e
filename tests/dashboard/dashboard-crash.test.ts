import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  changeDashboardInputs,
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
  ({ root, cleanup } = await makeWorkspace('obs-dashboard-crash-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

const FAULT_POINTS = [
  'dashboard:after-datasets-write',
  'dashboard:after-manifest-replace',
  'dashboard:after-history-copy',
  'dashboard:after-archive-manifest-append',
];

describe('obs-dashboard killed at each named point', () => {
  it.each(FAULT_POINTS)(
    '%s: the next run repairs the bundle, continues the sequence and records each deletion once',
    async (point) => {
      expect((await runDashboard(root)).exitCode).toBe(0);
      // 60 days later the first bundle is past retention, and the new datasets differ from it, so
      // the crashed run would prune it.
      await changeDashboardInputs(root, 1);
      const crashed = await runDashboard(root, [], { now: nowPlus(60), env: { OBS_FAULT_POINT: point } });
      expect(crashed.signal).toBe('SIGKILL');
      expect((await readJson(root, 'out/dashboard/manifest.json')).sequence).toBeGreaterThanOrEqual(1);
      // The killed run's job lock goes stale after --lock-stale-seconds (core's tests cover the
      // takeover); removing it stands in for that wait.
      await rm(join(root, 'ops/.dashboard.lock'), { recursive: true, force: true });

      const next = await runDashboard(root, [], { now: nowPlus(60, 15) });
      expect(next.exitCode).toBe(0);
      const manifestWritten = point !== 'dashboard:after-datasets-write';
      expect(next.json().sequence).toBe(manifestWritten ? 3 : 2);
      const verification = await runBundleVerify(root, [], nowPlus(60, 15));
      expect(verification.json().failures).toEqual([]);

      const archive = await readJsonLines(root, 'ops/dashboard_export_archive_manifest.jsonl');
      expect(archive.map((line) => line.job_id)).toEqual(['20261124T121000Z-dashboard']);
      const history = await readdir(join(root, 'ops/dashboard_export_history'));
      expect(history).not.toContain('20261124T121000Z-dashboard');
      expect(history.filter((name) => name.startsWith('.'))).toEqual([]);
      expect((await readdir(join(root, 'out/dashboard'))).filter((name) => name.startsWith('.'))).toEqual([]);
    },
  );
});

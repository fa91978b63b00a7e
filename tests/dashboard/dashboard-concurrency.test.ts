import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  type JsonDocument,
  readJson,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from './support/dashboard-run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-dashboard-concurrent-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

describe('obs-dashboard started ten times at once', () => {
  it('gives every export that ran its own sequence, skips the others, and never tears the manifest', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        runDashboard(root, ['--job-id', `20261124T1210${String(index).padStart(2, '0')}Z-dashboard`]),
      ),
    );
    const summaries = results.map((result) => {
      expect(result.exitCode).toBe(0);
      return result.json();
    });
    const ran = summaries.filter((summary) => summary.status === 'ok');
    const skipped = summaries.filter((summary) => summary.status === 'skipped');
    expect(ran.length + skipped.length).toBe(10);
    expect(ran.length).toBeGreaterThan(0);
    for (const summary of skipped) expect(summary.diagnostics.error_code).toBe('lock_not_acquired');
    const sequences = ran.map((summary: JsonDocument) => summary.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: ran.length }, (_, index) => index + 1));

    const manifest = await readJson(root, 'out/dashboard/manifest.json');
    expect(manifest.sequence).toBe(ran.length);
    const verification = await runBundleVerify(root);
    expect(verification.json().failures).toEqual([]);
    expect(verification.exitCode).toBe(0);
  });
});

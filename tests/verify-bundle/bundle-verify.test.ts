import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  nowPlus,
  readJson,
  readJsonLines,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from '../dashboard/support/dashboard-run.js';
import { makeWorkspace } from '../support/cli-process.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-bundle-'));
  await writeDashboardWorkspace(root);
  expect((await runDashboard(root)).exitCode).toBe(0);
});
afterEach(() => cleanup());

// biome-ignore lint/suspicious/noExplicitAny: the test edits parsed JSON of a known shape
async function editManifest(edit: (manifest: Record<string, any>) => void): Promise<void> {
  const path = join(root, 'out/dashboard/manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  edit(manifest);
  await writeFile(path, JSON.stringify(manifest, null, 2));
}

describe('obs-verify bundle', () => {
  it('passes a fresh bundle, prints the report and logs the run', async () => {
    const result = await runBundleVerify(root, [
      '--expected-dataset',
      'ev_history',
      '--json-out',
      'out/verify.json',
    ]);
    expect(result.exitCode).toBe(0);
    const report = result.json();
    expect(report).toMatchObject({ status: 'ok', job_name: 'verify', failures: [] });
    expect(
      report.checks.map((check: { name: string; status: string }) => [check.name, check.status]),
    ).toEqual([
      ['manifest_schema', 'pass'],
      ['dataset:ev_history', 'pass'],
      ['dataset:slippage', 'pass'],
      ['dataset:turnover', 'pass'],
      ['dataset:latency', 'pass'],
      ['page', 'pass'],
      ['expected_datasets', 'pass'],
      ['history_sequence', 'pass'],
      ['history_retention', 'pass'],
      ['history_references', 'skip'],
      ['archive_manifest', 'skip'],
    ]);
    expect(await readJson(root, 'out/verify.json')).toMatchObject({ status: 'ok', job_id: report.job_id });
    const log = await readJsonLines(root, 'ops/automation_runs.log');
    expect(log.at(-1)).toMatchObject({ job_name: 'verify', status: 'ok', job_id: report.job_id });
  });

  it('still passes a bundle copied to another folder', async () => {
    await cp(join(root, 'out/dashboard'), join(root, 'mirror/dashboard-copy'), { recursive: true });
    const result = await runBundleVerify(root, ['--manifest', 'mirror/dashboard-copy/manifest.json']);
    expect(result.json().failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    const copied = result.json().checks.find((check: { name: string }) => check.name === 'dataset:turnover');
    expect(copied.details.path).toBe('mirror/dashboard-copy/turnover.json');
  });

  it('reports one flipped byte as checksum_mismatch and exits 1', async () => {
    const path = join(root, 'out/dashboard/latency.json');
    const bytes = await readFile(path);
    const at = bytes.indexOf('8000');
    bytes[at] = '9'.charCodeAt(0);
    await writeFile(path, bytes);
    const result = await runBundleVerify(root);
    expect(result.exitCode).toBe(1);
    const report = result.json();
    expect(report.status).toBe('error');
    expect(report.failures).toEqual([
      expect.objectContaining({ check: 'dataset:latency', error_code: 'checksum_mismatch' }),
    ]);
    expect(report.diagnostics).toMatchObject({
      error_code: 'verification_failed',
      failure_codes: ['checksum_mismatch'],
    });
    const log = await readJsonLines(root, 'ops/automation_runs.log');
    expect(log.at(-1)).toMatchObject({
      job_name: 'verify',
      status: 'error',
      diagnostics: { error_code: 'verification_failed' },
    });
  });

  it('reports a row count the file does not have as row_count_mismatch', async () => {
    await editManifest((manifest) => {
      manifest.datasets[2].row_count += 1;
    });
    const result = await runBundleVerify(root);
    expect(result.exitCode).toBe(1);
    expect(result.json().failures).toEqual([
      expect.objectContaining({ check: 'dataset:turnover', error_code: 'row_count_mismatch' }),
    ]);
  });

  it('reports a dataset the manifest lacks as dataset_missing', async () => {
    await editManifest((manifest) => {
      manifest.datasets = manifest.datasets.filter(
        (entry: { dataset: string }) => entry.dataset !== 'slippage',
      );
    });
    const result = await runBundleVerify(root, [
      '--expected-dataset',
      'slippage',
      '--expected-dataset',
      'latency',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.json().failures).toEqual([
      expect.objectContaining({ check: 'expected_datasets', error_code: 'dataset_missing' }),
    ]);
  });

  it('reports a manifest that breaks the schema as schema_validation_failed', async () => {
    await editManifest((manifest) => {
      manifest.sequence = 'seven';
    });
    const result = await runBundleVerify(root);
    expect(result.exitCode).toBe(1);
    expect(result.json().failures).toEqual([
      expect.objectContaining({ check: 'manifest_schema', error_code: 'schema_validation_failed' }),
    ]);
    expect(result.json().failures[0].message).toContain('/sequence');
  });

  it('reports a manifest restored from an older bundle as sequence_regressed', async () => {
    const first = (await readJson(root, 'out/dashboard/manifest.json')).job_id;
    expect((await runDashboard(root, [], { now: nowPlus(0, 15) })).exitCode).toBe(0);
    await cp(join(root, 'ops/dashboard_export_history', first), join(root, 'out/dashboard'), {
      recursive: true,
    });
    const result = await runBundleVerify(root, [], nowPlus(0, 20));
    expect(result.exitCode).toBe(1);
    expect(result.json().failures).toEqual([
      expect.objectContaining({ check: 'history_sequence', error_code: 'sequence_regressed' }),
    ]);
  });

  it('rejects an unknown expected dataset (exit 2)', async () => {
    const result = await runBundleVerify(root, ['--expected-dataset', 'pnl']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics.error_code).toBe('invalid_usage');
  });
});

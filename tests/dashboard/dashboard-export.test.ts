import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REFERENCE_WORKSPACE } from '../support/cli-process.js';
import {
  type JsonDocument,
  readJson,
  readJsonLines,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from './support/dashboard-run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-dashboard-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('obs-dashboard export', () => {
  it('writes four datasets and a manifest whose checksums and row counts match the files', async () => {
    const result = await runDashboard(root);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({ status: 'ok', sequence: 1, history_pruned: 0 });
    expect(summary.upload).toMatchObject({ status: 'skipped', reason: 'no_command', attempts: 0 });
    const manifest = await readJson(root, 'out/dashboard/manifest.json');
    expect(manifest.datasets.map((entry: JsonDocument) => entry.dataset)).toEqual([
      'ev_history',
      'slippage',
      'turnover',
      'latency',
    ]);
    for (const entry of manifest.datasets) {
      expect(entry.path).toBe(`${entry.dataset}.json`);
      const file = join(root, 'out/dashboard', entry.path);
      expect(entry.checksum_sha256).toBe(await sha256(file));
      const dataset = JSON.parse(await readFile(file, 'utf8'));
      expect(dataset).toMatchObject({
        dataset: entry.dataset,
        schema_version: '1.0',
        job_id: summary.job_id,
      });
      expect(dataset.rows).toHaveLength(entry.row_count);
      expect(entry.source_hash).toMatch(/^[a-f0-9]{64}$/);
    }
    expect(summary.datasets).toEqual(
      manifest.datasets.map((entry: JsonDocument) => ({
        name: entry.dataset,
        status: 'ok',
        row_count: entry.row_count,
        checksum: entry.checksum_sha256,
      })),
    );
    expect(manifest.provenance).toMatchObject({ commit_sha: 'test-sha', environment: 'production' });
    expect(manifest.provenance.command).toMatch(/^obs-dashboard --root /);
    expect(manifest.provenance.inputs).toContain('ops/state_archive');
    expect(summary.diagnostics.files_skipped).toBe(4);
  });

  it('computes the dataset rows from the inputs', async () => {
    await runDashboard(root);
    const ev = await readJson(root, 'out/dashboard/ev_history.json');
    expect(ev.rows).toHaveLength(12);
    for (const row of ev.rows) {
      expect(row.win_rate_mean).toBeCloseTo(row.ev_alpha / (row.ev_alpha + row.ev_beta), 12);
      expect(row.win_rate_lcb).toBeGreaterThan(0);
      expect(row.win_rate_lcb).toBeLessThan(row.win_rate_mean);
      expect(row.confidence).toBe(0.95);
    }
    const times = ev.rows.map((row: JsonDocument) => row.timestamp);
    expect([...times].sort()).toEqual(times);

    const slippage = await readJson(root, 'out/dashboard/slippage.json');
    expect(slippage.state).toHaveLength(12);
    expect(slippage.execution).toEqual([
      expect.objectContaining({
        strategy: 'day_orb_5m_v1',
        slippage_bps: 2.5,
        fill_count: 412,
        window_days: 7,
      }),
      expect.objectContaining({ strategy: 'tokyo_micro_mean_reversion_v0', window_days: null }),
    ]);
    expect(slippage.rows).toHaveLength(14);
    expect(slippage.state[0].coefficients).toEqual({
      narrow: expect.any(Number),
      normal: expect.any(Number),
      wide: expect.any(Number),
    });

    const turnover = await readJson(root, 'out/dashboard/turnover.json');
    expect(turnover.rows).toHaveLength(4);
    for (const row of turnover.rows) {
      const daily = (await readFile(join(root, 'runs', row.run_id, 'daily.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1);
      const fills = daily.map((line) => Number(line.split(',')[6]));
      let cumulative = 0;
      let peak = 0;
      let fall = 0;
      let peakOfFall = 0;
      for (const line of daily) {
        cumulative += Number(line.split(',')[8]);
        peak = Math.max(peak, cumulative);
        if (peak - cumulative > fall) [fall, peakOfFall] = [peak - cumulative, peak];
      }
      const total = fills.reduce((sum, value) => sum + value, 0);
      expect(row).toMatchObject({ days: 10, active_days: fills.filter((value) => value > 0).length });
      expect(row.avg_trades_per_day).toBeCloseTo(total / 10, 6);
      expect(row.avg_trades_active_day).toBeCloseTo(total / fills.filter((value) => value > 0).length, 6);
      expect(row.max_drawdown_pips).toBeCloseTo(fall, 6);
      expect(row.drawdown_pct).toBeCloseTo((fall / (100000 + peakOfFall)) * 100, 6);
      expect(row.start_date < row.end_date).toBe(true);
    }

    const latency = await readJson(root, 'out/dashboard/latency.json');
    expect(latency.rows.map((row: JsonDocument) => row.window_start)).toEqual([
      '2026-11-24T11:00:00.000Z',
      '2026-11-24T10:00:00.000Z',
    ]);
    expect(latency.rows[0]).toMatchObject({ breach_flag: true, breach_streak: 1, p95_ms: 8000 });
  });

  it('numbers three exports in a row 1, 2, 3 and keeps the first in the history, the unchanged others as references to it', async () => {
    for (const [index, minute] of ['11', '12', '13'].entries()) {
      const result = await runDashboard(root, [], { now: `2026-11-24T12:${minute}:00Z` });
      expect(result.exitCode).toBe(0);
      expect(result.json().sequence).toBe(index + 1);
      expect(result.json().history).toEqual({
        stored: index === 0 ? 'copy' : 'reference',
        bundle: '20261124T121100Z-dashboard',
      });
      expect((await readJson(root, 'out/dashboard/manifest.json')).sequence).toBe(index + 1);
      expect((await readJson(root, 'ops/dashboard_export_heartbeat.json')).sequence).toBe(index + 1);
    }
    const history = await readdir(join(root, 'ops/dashboard_export_history'));
    expect(history.sort()).toEqual(['20261124T121100Z-dashboard', 'references']);
    const copy = await readJson(
      root,
      'ops/dashboard_export_history/20261124T121100Z-dashboard/manifest.json',
    );
    expect(copy.sequence).toBe(1);
    const references = await readJsonLines(root, 'ops/dashboard_export_history/references/2026-11-24.jsonl');
    expect(references.map((line) => [line.job_id, line.sequence, line.bundle])).toEqual([
      ['20261124T121200Z-dashboard', 2, '20261124T121100Z-dashboard'],
      ['20261124T121300Z-dashboard', 3, '20261124T121100Z-dashboard'],
    ]);
    const log = await readJsonLines(root, 'ops/automation_runs.log');
    expect(log.map((entry) => entry.summary.sequence)).toEqual([1, 2, 3]);
    expect(log[2]).toMatchObject({ job_name: 'dashboard', status: 'ok' });
    expect(log[2].summary.datasets).toHaveLength(4);
  });

  it('fails only the dataset whose source is missing and keeps its previous file in the bundle', async () => {
    expect((await runDashboard(root)).exitCode).toBe(0);
    const previousLatency = await readFile(join(root, 'out/dashboard/latency.json'));
    await rm(join(root, 'ops/signal_latency_rollup.csv'));

    const result = await runDashboard(root, [], { now: '2026-11-24T12:25:00Z' });
    expect(result.exitCode).toBe(1);
    const summary = result.json();
    expect(summary.status).toBe('error');
    expect(summary.diagnostics).toMatchObject({
      error_code: 'missing_input',
      missing: ['ops/signal_latency_rollup.csv'],
      dataset_errors: {
        latency: { error_code: 'missing_input', missing: ['ops/signal_latency_rollup.csv'] },
      },
    });
    expect(summary.diagnostics.error_message).toContain('ops/signal_latency_rollup.csv');
    expect(summary.datasets.find((item: JsonDocument) => item.name === 'latency')).toMatchObject({
      status: 'error',
      checksum: null,
    });
    expect(summary.upload).toMatchObject({ status: 'skipped', reason: 'export_failed' });
    expect(await readJson(root, 'ops/dashboard_export_heartbeat.json')).toMatchObject({
      status: 'error',
      sequence: 2,
      datasets: { ev_history: 'ok', slippage: 'ok', turnover: 'ok', latency: 'error' },
      last_failure: { error_code: 'missing_input' },
    });
    const manifest = await readJson(root, 'out/dashboard/manifest.json');
    expect(manifest.sequence).toBe(2);
    const latency = manifest.datasets.find((entry: JsonDocument) => entry.dataset === 'latency');
    expect(latency.generated_at).toBe('2026-11-24T12:10:00.000Z');
    expect(manifest.datasets.find((entry: JsonDocument) => entry.dataset === 'turnover').generated_at).toBe(
      '2026-11-24T12:25:00.000Z',
    );
    expect(await readFile(join(root, 'out/dashboard/latency.json'))).toEqual(previousLatency);
    const verification = await runBundleVerify(root, ['--expected-dataset', 'latency']);
    expect(verification.json().failures).toEqual([]);
  });

  it('writes the other datasets even when a source is missing on the first run', async () => {
    await rm(join(root, 'runs'), { recursive: true });
    const result = await runDashboard(root);
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics.error_code).toBe('missing_input');
    const manifest = await readJson(root, 'out/dashboard/manifest.json');
    expect(manifest.datasets.map((entry: JsonDocument) => entry.dataset)).toEqual([
      'ev_history',
      'slippage',
      'latency',
    ]);
    expect(existsSync(join(root, 'out/dashboard/turnover.json'))).toBe(false);
    expect(existsSync(join(root, 'ops/dashboard_export_history'))).toBe(false);
  });

  it('reports unreadable JSON in a state export as invalid_input naming the file', async () => {
    const folder = join(root, 'ops/state_archive/day_orb_5m.DayORB5m/USDJPY/bridge');
    const [name] = (await readdir(folder)).filter((file) => !file.includes('diff'));
    await writeFile(join(folder, name as string), '{"ev_global": ');
    const result = await runDashboard(root, ['--dataset', 'ev_history']);
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_input' });
    expect(result.json().diagnostics.error_message).toContain(`day_orb_5m.DayORB5m/USDJPY/bridge/${name}`);
  });

  it('applies the filters and limits to the state exports', async () => {
    const result = await runDashboard(root, [
      '--dataset',
      'ev_history',
      '--strategy',
      'day_orb_5m.DayORB5m',
      '--mode',
      'bridge',
      '--ev-history-limit',
      '2',
      '--indent',
      '0',
    ]);
    expect(result.exitCode).toBe(0);
    const text = await readFile(join(root, 'out/dashboard/ev_history.json'), 'utf8');
    expect(text.split('\n')).toHaveLength(2);
    const rows = JSON.parse(text).rows;
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row: JsonDocument) => `${row.strategy}/${row.mode}`))).toEqual(
      new Set(['day_orb_5m.DayORB5m/bridge']),
    );
    const typo = await runDashboard(root, ['--dataset', 'ev_history', '--strategy', 'no_such_strategy']);
    expect(typo.json().diagnostics).toMatchObject({ error_code: 'missing_input' });
    expect(typo.json().diagnostics.error_message).toContain('--strategy no_such_strategy');
  });

  it('--dry-run exports, verifies and skips the upload', async () => {
    const marker = join(root, 'uploaded');
    const result = await runDashboard(root, ['--dry-run', '--upload-command', `touch ${marker}`]);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ status: 'dry_run', sequence: 1 });
    expect(result.json().upload).toMatchObject({ status: 'skipped', reason: 'dry_run' });
    expect(existsSync(marker)).toBe(false);
    expect((await runBundleVerify(root)).exitCode).toBe(0);
  });

  it('rejects an unknown dataset name (exit 2)', async () => {
    const result = await runDashboard(root, ['--dataset', 'pnl']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage' });
    expect(result.json().diagnostics.error_message).toContain('--dataset');
  });
});

describe.skipIf(!existsSync(REFERENCE_WORKSPACE))('obs-dashboard on the earlier tooling’s files', () => {
  const ref = (path: string) => join(REFERENCE_WORKSPACE, path);

  it('loads the earlier dashboard_export.yaml', async () => {
    const result = await runDashboard(root, [
      '--config',
      ref('configs/observability/dashboard_export.yaml'),
      '--config-dump',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.json().options).toMatchObject({
      dataset: ['ev_history', 'slippage', 'turnover', 'latency'],
      runs_root: `${root}/runs`,
      state_archive_root: `${root}/ops/state_archive`,
      history_retention_days: 56,
    });
  });

  it('exports the earlier state exports, telemetry and runs index without error', async () => {
    const result = await runDashboard(root, [
      '--config',
      ref('configs/observability/dashboard_export.yaml'),
      '--state-archive-root',
      ref('ops/state_archive'),
      '--portfolio-telemetry',
      ref('reports/portfolio_samples/router_demo/telemetry.json'),
      '--runs-root',
      ref('runs'),
      '--dataset',
      'ev_history',
      '--dataset',
      'slippage',
      '--dataset',
      'turnover',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.json().diagnostics.files_skipped).toBe(0);
    const ev = await readJson(root, 'out/dashboard/ev_history.json');
    expect(ev.rows).toHaveLength(13);
    const bridge = ev.rows.find((row: JsonDocument) => row.mode === 'bridge');
    expect(bridge).toMatchObject({ timestamp: '2025-10-04T10:43:02.000Z', strategy: 'day_orb_5m.DayORB5m' });
    const long = ev.rows.find((row: JsonDocument) =>
      row.source_path.endsWith('20250923_125717_USDJPY_conservative_20250923_215717.json'),
    );
    expect(long.timestamp).toBe('2025-09-23T12:57:17.000Z');
    for (const row of ev.rows) expect(row.win_rate_lcb).toBeGreaterThan(0.35);
    const slippage = await readJson(root, 'out/dashboard/slippage.json');
    expect(slippage.execution).toHaveLength(2);
    expect(slippage.execution[0]).toMatchObject({
      strategy: 'day_orb_5m_v1',
      fill_count: null,
      window_days: null,
    });
    expect(Date.parse(slippage.execution[0].as_of)).not.toBeNaN();
    expect((await readJson(root, 'out/dashboard/turnover.json')).rows).toEqual([]);
  });
});

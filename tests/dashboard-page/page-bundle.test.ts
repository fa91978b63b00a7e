import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type JsonDocument,
  readJson,
  runBundleVerify,
  runDashboard,
  writeDashboardWorkspace,
} from '../dashboard/support/dashboard-run.js';
import { makeWorkspace } from '../support/cli-process.js';
import { PAGE } from './support/page-workspace.js';

const MANIFEST = 'out/dashboard/manifest.json';
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const base64Sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-page-bundle-'));
  await writeDashboardWorkspace(root);
});
afterEach(() => cleanup());

describe('the dashboard page in the bundle', () => {
  it('is written by every export, dry runs included, and listed in the manifest with its checksum', async () => {
    const result = await runDashboard(root, ['--dry-run']);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary.page).toBe(PAGE);
    expect(summary.artefacts).toContain(PAGE);
    const bytes = await readFile(join(root, PAGE));
    const manifest = await readJson(root, MANIFEST);
    expect(manifest.page).toEqual({
      path: 'index.html',
      checksum_sha256: sha256(bytes),
      bytes: bytes.length,
    });
    const history = await readFile(join(root, 'ops/dashboard_export_history', summary.job_id, 'index.html'));
    expect(history.equals(bytes)).toBe(true);
    const verify = await runBundleVerify(root);
    expect(verify.exitCode).toBe(0);
    expect(verify.json().checks.find((check: JsonDocument) => check.name === 'page')).toMatchObject({
      status: 'pass',
    });
  });

  it('is one self-contained file: no external reference, only its own hashed scripts may run', async () => {
    expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
    const html = await readFile(join(root, PAGE), 'utf8');
    expect(html).not.toMatch(/\b(src|href|action)\s*=\s*["']?\s*(https?:|\/\/|data:text)/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:|\/\/)/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)?.[1]
      ?.replaceAll('&#39;', "'");
    expect(csp).toContain("default-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] as string);
    expect(scripts).toHaveLength(2);
    for (const script of scripts) expect(csp).toContain(`'sha256-${base64Sha256(script)}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).toContain('Permission is hereby granted, free of charge'); // uPlot's MIT notice travels with it
  });

  it('is re-hashed by obs-verify bundle: an altered page is checksum_mismatch', async () => {
    expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
    const html = await readFile(join(root, PAGE), 'utf8');
    await writeFile(join(root, PAGE), html.replace('Observability dashboard', 'Observability dashboarb'));
    const verify = await runBundleVerify(root);
    expect(verify.exitCode).toBe(1);
    expect(verify.json().failures).toEqual([
      expect.objectContaining({ check: 'page', error_code: 'checksum_mismatch' }),
    ]);
  });

  it('leaves bundles written before the page verifiable', async () => {
    expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
    const { page: _page, ...older } = await readJson(root, MANIFEST);
    await writeFile(join(root, MANIFEST), JSON.stringify(older));
    await rm(join(root, PAGE));
    const verify = await runBundleVerify(root);
    expect(verify.json().failures).toEqual([]);
    expect(verify.json().checks.find((check: JsonDocument) => check.name === 'page')).toMatchObject({
      status: 'skip',
    });
    // the next export continues from it and lists its page again
    const next = await runDashboard(root, ['--dry-run', '--now', '2026-11-24T12:25:00Z']);
    expect(next.json()).toMatchObject({ status: 'dry_run', sequence: 2 });
    expect((await readJson(root, MANIFEST)).page.path).toBe('index.html');
  });

  it('when every dataset fails, still lists the kept files with a page saying so', async () => {
    expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
    for (const input of ['runs', 'ops/state_archive', 'ops/signal_latency_rollup.csv'])
      await rm(join(root, input), { recursive: true });
    const failed = await runDashboard(root, ['--dry-run', '--now', '2026-11-24T12:25:00Z']);
    expect(failed.exitCode).toBe(1);
    expect(failed.json()).toMatchObject({ status: 'error', sequence: 2, page: PAGE });
    const manifest = await readJson(root, MANIFEST);
    expect(manifest.datasets.map((entry: JsonDocument) => entry.generated_at)).toEqual(
      Array(4).fill('2026-11-24T12:10:00.000Z'),
    );
    const html = await readFile(join(root, PAGE), 'utf8');
    for (const id of ['latency', 'ev', 'slippage', 'turnover'])
      expect(html).toContain(`<section id="${id}" data-state="failed"`);
    expect((await runBundleVerify(root)).json().failures).toEqual([]);
  });

  it('highlights against the page thresholds of the config, and rejects an unknown page key (exit 2)', async () => {
    const flagged = async () => {
      expect((await runDashboard(root, ['--dry-run'])).exitCode).toBe(0);
      const html = await readFile(join(root, PAGE), 'utf8');
      return [...html.matchAll(/data-field="(slippage_bps|reject_rate)" data-flagged="true"/g)].length;
    };
    // the telemetry's tokyo strategy: 4.1 bps and 3.2 % rejects, above the defaults (3 bps, 2 %)
    expect(await flagged()).toBe(2);
    const config = join(root, 'configs/observability/dashboard_export.yaml');
    await mkdir(join(root, 'configs/observability'), { recursive: true });
    await writeFile(config, 'page:\n  slippage_bps_max: 5\n  reject_rate_max: 0.05\n');
    expect(await flagged()).toBe(0);
    await writeFile(config, 'page:\n  slippage_bps_limit: 5\n');
    const invalid = await runDashboard(root, ['--dry-run']);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.json().diagnostics.error_message).toContain('page');
    expect(existsSync(join(root, PAGE))).toBe(true);
  });
});

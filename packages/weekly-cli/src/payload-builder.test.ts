import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaValidator } from '@obs-automation/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildWeeklyPayload } from './payload-builder.js';
import { payloadChecksum } from './payload-checksum.js';
import {
  portfolioSummary,
  type SampleFixture,
  writeArchive,
  writeArchiveManifest,
  writePortfolioSummary,
  writeRawSamples,
  writeRollup,
  writeRunsIndex,
  writeText,
  writeWeeklyWorkspace,
} from './test-support/weekly-fixtures.js';
import { weeklyTestContext, weeklyTestOptions } from './test-support/weekly-test-context.js';
import { weekWindow } from './week-window.js';
import { PAYLOAD_SCHEMA_FILE } from './weekly-options.js';

const WEEK = weekWindow(new Date('2025-10-06T00:00:00Z'));
const NOW = '2025-10-14T01:00:00Z';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weekly-payload-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function build(args: string[] = []) {
  return buildWeeklyPayload(await weeklyTestOptions(root, args), weeklyTestContext(root, NOW), WEEK);
}

/**
 * A week whose Monday samples were archived by retention, while Tuesday's are still raw:
 * Monday 10:00 has 4 samples (10, 20, 30, 40 ms), Tuesday 10:00 has 2 (1000, 3000 ms).
 */
const MONDAY: SampleFixture[] = [10, 20, 30, 40].map((latency, minute) => ({
  at: `2025-10-06T10:${String(minute * 10).padStart(2, '0')}:00Z`,
  latency,
}));
const TUESDAY: SampleFixture[] = [
  { at: '2025-10-07T10:05:00Z', latency: 1000 },
  { at: '2025-10-07T10:35:00Z', latency: 3000, status: 'timeout' },
];

async function writeArchivedWeek(): Promise<void> {
  await writeWeeklyWorkspace(root);
  await writeRollup(root, [
    { hour: '2025-10-06T10:00:00Z', count: 4, p50: 25, p95: 38.5, p99: 39.7, max: 40 },
    { hour: '2025-10-07T10:00:00Z', count: 2, p50: 2000, p95: 2900, p99: 2980, max: 3000 },
    { hour: '2025-10-13T10:00:00Z', count: 1, p50: 9999, p95: 9999, max: 9999 },
  ]);
  await writeRawSamples(root, [...TUESDAY, { at: '2025-10-13T10:00:00Z', latency: 9999 }]);
  const archive = await writeArchive(
    root,
    'ops/signal_latency_archive/2025/10/20251010T000000Z-latency.csv.gz',
    [{ at: '2025-09-30T10:00:00Z', latency: 5 }, ...MONDAY],
  );
  await writeArchiveManifest(root, [archive]);
}

describe('weekly latency', () => {
  it('is exact when the archives and the raw file hold every sample of the week', async () => {
    await writeArchivedWeek();
    const { payload, diagnostics } = await build();
    // all six samples: 10, 20, 30, 40, 1000, 3000 — position (n−1)·p
    expect(payload.latency).toMatchObject({
      method: 'exact',
      samples: 6,
      p50_ms: 35,
      p95_ms: 2500,
      p99_ms: 2900,
      max_ms: 3000,
    });
    expect(payload.sources).toMatchObject({
      latency_raw: 'ops/signal_latency.csv',
      archive_manifest: 'ops/signal_latency_archive/manifest.jsonl',
    });
    expect(diagnostics).toEqual({ sections_omitted: expect.any(Array) });
  });

  it('falls back to the rollups when archived samples are gone', async () => {
    await writeArchivedWeek();
    await rm(join(root, 'ops/signal_latency_archive/2025/10/20251010T000000Z-latency.csv.gz'));
    const { payload, diagnostics } = await build();
    expect(payload.latency).toMatchObject({
      method: 'rollup',
      samples: 6,
      p50_ms: 683.333, // (25·4 + 2000·2) / 6
      p95_ms: 2900,
      p99_ms: 2980,
      max_ms: 3000,
    });
    expect(diagnostics.latency_archives_unusable).toEqual([
      {
        file: 'ops/signal_latency_archive/2025/10/20251010T000000Z-latency.csv.gz',
        reason: 'listed in the manifest but missing',
      },
    ]);
  });

  it('does not trust an archive whose bytes differ from the manifest', async () => {
    await writeArchivedWeek();
    const tampered = await writeArchive(
      root,
      'ops/signal_latency_archive/2025/10/20251010T000000Z-latency.csv.gz',
      MONDAY.map((sample) => ({ ...sample, latency: 1 })),
    );
    await writeArchiveManifest(root, [{ ...tampered, sha256: 'a'.repeat(64) }]);
    const { payload, diagnostics } = await build();
    expect(payload.latency.method).toBe('rollup');
    expect(JSON.stringify(diagnostics.latency_archives_unusable)).toContain('differs from the manifest');
  });

  it('skips a torn manifest line, reporting it, and still reads the archives listed intact', async () => {
    await writeArchivedWeek();
    const manifest = join(root, 'ops/signal_latency_archive/manifest.jsonl');
    await writeFile(manifest, `${await readFile(manifest, 'utf8')}{"job_id":"20251011T000000Z-lat`);
    const { payload, diagnostics } = await build();
    expect(payload.latency).toMatchObject({ method: 'exact', samples: 6 });
    expect(diagnostics.archive_manifest_issues).toEqual({
      file: 'ops/signal_latency_archive/manifest.jsonl',
      count: 1,
      lines: [{ line: 2, message: expect.stringMatching(/^is not valid JSON: .+ at line 2, column \d+$/) }],
    });
  });

  it('counts a row left in both the raw file and an archive by a crash once', async () => {
    await writeArchivedWeek();
    await writeRawSamples(root, [MONDAY[0] as SampleFixture, ...TUESDAY]);
    const { payload } = await build();
    expect(payload.latency).toMatchObject({ method: 'exact', samples: 6, p50_ms: 35 });
  });

  it("reads the earlier tooling's raw header and skips rows the latency job would reject", async () => {
    await writeWeeklyWorkspace(root);
    await writeRollup(root, [{ hour: '2025-10-07T10:00:00Z', count: 2, p50: 150, p95: 195 }]);
    await writeText(
      root,
      'ops/signal_latency.csv',
      'timestamp_utc,latency_ms,status,detail,source\n' +
        '2025-10-07T10:10:00Z,100.000000,success,,router_demo\n' +
        '2025-10-07T10:15:00Z,-4,success,,router_demo\n' +
        'yesterday,50,success,,router_demo\n' +
        '2025-10-07T10:20:00Z,200.000000,,,router_demo\n',
    );
    const { payload, diagnostics } = await build();
    expect(payload.latency).toMatchObject({ method: 'exact', samples: 2, p50_ms: 150 });
    expect(diagnostics.latency_rows_skipped).toEqual([
      { file: 'ops/signal_latency.csv', count: 2, lines: [3, 4] },
    ]);
  });

  it('lists the breached windows worst first and raises latency_breach to critical at the critical streak', async () => {
    await writeWeeklyWorkspace(root);
    await writeRollup(root, [
      { hour: '2025-10-07T10:00:00Z', count: 2, p50: 6000, p95: 7000, breach: true, streak: 1 },
      { hour: '2025-10-07T11:00:00Z', count: 2, p50: 6000, p95: 9000, breach: true, streak: 2 },
      { hour: '2025-10-07T12:00:00Z', count: 2, p50: 100, p95: 200, breach: false, streak: 0 },
    ]);
    const warning = await build();
    expect(warning.payload.latency.breach_count).toBe(2);
    expect(warning.payload.latency.breaches.map((breach) => breach.p95_ms)).toEqual([9000, 7000]);
    expect(warning.payload.alerts.find((alert) => alert.id === 'latency_breach')?.severity).toBe('warning');
    await writeText(
      root,
      'configs/observability/latency_alert.yaml',
      'slo_p95_ms: 5000\ncritical_threshold: 2\n',
    );
    const critical = await build();
    expect(critical.payload.alerts.find((alert) => alert.id === 'latency_breach')).toMatchObject({
      severity: 'critical',
      evidence_path: 'ops/signal_latency_rollup.csv',
    });
  });
});

describe('weekly payload', () => {
  it('includes only the runs of the week, newest first, with their daily activity', async () => {
    await writeWeeklyWorkspace(root);
    const { payload } = await build();
    expect(payload.runs.map((run) => run.run_id)).toEqual([
      'USDJPY_bridge_20251010_220000',
      'USDJPY_conservative_20251008_101500',
    ]);
    expect(payload.runs[1]).toMatchObject({
      start_ts: '2025-10-06T00:00:00Z',
      end_ts: '2025-10-08T00:00:00Z',
      turnover_per_day: 2,
      sharpe: 1.4,
    });
    expect(payload.runs[0]).toMatchObject({
      start_ts: null,
      end_ts: null,
      turnover_per_day: null,
      wins: null,
    });
    expect(payload.alerts.map((alert) => alert.id)).not.toContain('no_runs');
  });

  it('reports a week without runs as [] with an info alert no_runs', async () => {
    await writeWeeklyWorkspace(root);
    await writeRunsIndex(root, [{ run_id: 'older', timestamp: '20250929_080000' }]);
    const { payload } = await build();
    expect(payload.runs).toEqual([]);
    expect(payload.alerts).toEqual([
      {
        id: 'no_runs',
        severity: 'info',
        message: 'no runs in the week of 2025-10-06',
        evidence_path: 'runs/index.csv',
        notified_channels: [],
      },
    ]);
  });

  it('keeps the same checksum when the inputs list their keys in another order', async () => {
    await writeWeeklyWorkspace(root);
    const first = (await build()).payload;
    const reversed = Object.fromEntries(Object.entries(portfolioSummary()).reverse());
    await writePortfolioSummary(root, reversed);
    await writeText(
      root,
      'runs/index.csv',
      'pnl_per_trade,win_rate,max_drawdown,sharpe,total_pips,wins,trades,mode,symbol,timestamp,run_dir,run_id\n' +
        '2.791667,0.583333,-9.5,1.4,33.5,7,12,conservative,USDJPY,20251008_101500,,USDJPY_conservative_20251008_101500\n' +
        ',,,,,,3,bridge,USDJPY,20251010_220000,,USDJPY_bridge_20251010_220000\n',
    );
    const second = (await build()).payload;
    expect(second.payload_checksum_sha256).toBe(first.payload_checksum_sha256);
    expect(first.payload_checksum_sha256).toMatch(/^[A-F0-9]{64}$/);
    expect(payloadChecksum(second as unknown as Record<string, unknown>)).toBe(first.payload_checksum_sha256);
  });

  it('copies optional sections that are present and names the absent ones', async () => {
    await writeWeeklyWorkspace(root);
    await writeText(root, 'reports/benchmark_summary.json', '{"sharpe_p50": 1.1, "runs": 4}\n');
    const { payload, diagnostics } = await build();
    expect(payload.benchmarks).toEqual({ sharpe_p50: 1.1, runs: 4 });
    expect(payload.health).toBeUndefined();
    expect(payload.sources.benchmark_summary).toBe('reports/benchmark_summary.json');
    expect(diagnostics.sections_omitted).toEqual([
      { section: 'health', path: 'ops/health/state_checks.json' },
    ]);
  });

  it('lists every missing required input at once', async () => {
    await writeWeeklyWorkspace(root);
    await rm(join(root, 'reports/portfolio_summary.json'));
    await rm(join(root, 'ops/signal_latency_rollup.csv'));
    const error = await build().then(
      () => null,
      (caught: unknown) => caught as { code: string; details: Record<string, unknown> },
    );
    expect(error?.code).toBe('missing_input');
    expect(error?.details.missing).toEqual([
      'reports/portfolio_summary.json',
      'ops/signal_latency_rollup.csv',
    ]);
  });

  it('satisfies the bundled JSON Schema, which rejects a run id with a space', async () => {
    await writeWeeklyWorkspace(root);
    const { payload } = await build();
    const validate = await schemaValidator(
      join(import.meta.dirname, '../../../schemas', PAYLOAD_SCHEMA_FILE),
    );
    expect(validate(payload)).toEqual([]);
    const broken = structuredClone(payload);
    (broken.runs[0] as { run_id: string }).run_id = 'bad run';
    expect(validate(broken)).toEqual([expect.objectContaining({ path: '/runs/0/run_id' })]);
  });
});

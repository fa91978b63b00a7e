import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { percentile, roundMs, runJob } from '../../packages/automation-core/dist/index.js';
import { dashboardJob } from '../../packages/dashboard-cli/dist/index.js';
import { latencyJob } from '../../packages/latency-cli/dist/index.js';
import { weeklyJob } from '../../packages/weekly-cli/dist/index.js';
import { BIN, cleanEnv, runCli } from '../support/cli-process.js';
import { csvRecords } from '../support/csv-records.js';
import {
  DASHBOARD_ARGS,
  dashboardCount,
  dataLines,
  LATENCY_ARGS,
  RAW,
  WEEKLY_ARGS,
  writeLatencyWorkspace,
  writeWeeklyWorkspaceFor,
} from './support/counting-workspaces.js';
import { countedLatencies, type RawFile, rawFiles } from './support/raw-rows.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk summaries and payloads of known shape
type Json = Record<string, any>;

/** The three jobs, in-process through the harness exactly as obs-daily runs them, on one raw file. */
async function countEverywhere(file: RawFile) {
  const latencyRoot = await mkdtemp(join(tmpdir(), 'counted-latency-'));
  const weeklyRoot = await mkdtemp(join(tmpdir(), 'counted-weekly-'));
  try {
    await writeLatencyWorkspace(latencyRoot, file.text);
    const latency = (await runJob(latencyJob, ['--root', latencyRoot, ...LATENCY_ARGS], { env: {} }))
      .summary as Json;
    const kept = await dataLines(latencyRoot, RAW);
    const dashboard = (await runJob(dashboardJob, ['--root', latencyRoot, ...DASHBOARD_ARGS], { env: {} }))
      .summary as Json;
    await writeWeeklyWorkspaceFor(weeklyRoot, latencyRoot, file.text);
    const weekly = (await runJob(weeklyJob, ['--root', weeklyRoot, ...WEEKLY_ARGS], { env: {} }))
      .summary as Json;
    const payload = JSON.parse(await readFile(join(weeklyRoot, weekly.artefacts[0]), 'utf8')) as Json;
    return { latency, kept, dashboard, dashboardCount: await dashboardCount(latencyRoot), weekly, payload };
  } finally {
    await Promise.all([latencyRoot, weeklyRoot].map((root) => rm(root, { recursive: true, force: true })));
  }
}

describe('which raw latency rows count', () => {
  it('is the same set for obs-latency, obs-weekly and obs-dashboard, bad rows included', async () => {
    await fc.assert(
      fc.asyncProperty(rawFiles, async (file) => {
        const counted = countedLatencies(file);
        const rejected = file.rows.length - counted.length;
        const {
          latency,
          kept,
          dashboard,
          dashboardCount: dashboardSamples,
          weekly,
          payload,
        } = await countEverywhere(file);

        // obs-latency counts exactly the good rows, keeps them in the raw file and rejects the rest.
        expect(latency).toMatchObject({ samples_analyzed: counted.length, rows_rejected: rejected });
        expect(kept).toEqual(file.rows.filter((row) => row.latencyMs !== null).map((row) => row.text));

        // obs-dashboard shows the rollup of the same rows.
        expect(dashboard.status).toBe('dry_run');
        expect(dashboardSamples).toBe(counted.length);

        // obs-weekly, reading the raw file before obs-latency cleaned it, counts the same rows.
        expect(weekly.status).toBe('dry_run');
        const sorted = [...counted].sort((a, b) => a - b);
        const at = (p: number) => (sorted.length === 0 ? null : roundMs(percentile(sorted, p)));
        expect(payload.latency).toMatchObject({
          method: 'exact',
          samples: counted.length,
          p50_ms: at(0.5),
          p95_ms: at(0.95),
          p99_ms: at(0.99),
          max_ms: at(1),
        });
        const skipped = weekly.diagnostics.latency_rows_skipped as { count: number }[] | undefined;
        expect(skipped?.[0]?.count ?? 0).toBe(rejected);
      }),
      { numRuns: 20 },
    );
  });
});

const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
const GOOD = [
  '2025-10-07T10:00:00Z,router,100,,success,',
  '2025-10-07T10:05:00Z,router,1e3,2,success,',
  '2025-10-07T10:10:00,router, 250 ,,error,"x, y"',
  '2025-10-07T19:15:00+09:00,router,.5,,OK,',
];
/** Each is rejected by obs-latency, so none may count anywhere. */
const BAD = [
  '2025-10-07T10:20:00Z,router,0x10,,success,',
  '2025-10-07T10:25:00Z,router,100,abc,success,',
  '2025-10-07T10:30:00Z,router,-5,,success,',
  '2025-10-07T10:35:00Z,router,NaN,,success,',
  '2025-10-07T10:40:00Z,router,,,success,',
  '2025-10-07T10:45:00Z,router,Infinity,,success,',
  '2025-02-30T10:50:00Z,router,100,,success,',
  '2025-10-07T10:55:00Z,router,100,,success',
  `2025-10-07T10:59:00Z,router,100,,success,${'d'.repeat(70_000)}`,
];
const RAW_TEXT = `${[HEADER, GOOD[0], BAD[0], GOOD[1], ...BAD.slice(1), GOOD[2], GOOD[3]].join('\n')}\n`;

describe('one raw file, as obs-latency and obs-weekly read it', () => {
  let latencyRoot: string;
  let weeklyRoot: string;
  beforeEach(async () => {
    latencyRoot = await mkdtemp(join(tmpdir(), 'same-rows-latency-'));
    weeklyRoot = await mkdtemp(join(tmpdir(), 'same-rows-weekly-'));
  });
  afterEach(async () => {
    await Promise.all([latencyRoot, weeklyRoot].map((root) => rm(root, { recursive: true, force: true })));
  });

  it('gives the same counted rows: what obs-latency rejects, obs-weekly skips', async () => {
    await writeLatencyWorkspace(latencyRoot, RAW_TEXT);
    const latency = await runCli(BIN.latency, ['--root', latencyRoot, ...LATENCY_ARGS], { env: cleanEnv() });
    expect(latency.exitCode).toBe(0);
    expect(latency.json()).toMatchObject({ samples_analyzed: GOOD.length, rows_rejected: BAD.length });
    expect(await dataLines(latencyRoot, RAW)).toEqual(GOOD);
    const rejects = csvRecords(await readFile(join(latencyRoot, 'ops/signal_latency_rejects.csv'), 'utf8'));
    const rejectedLines = rejects.slice(1).map((row) => Number(row[0]));

    await writeWeeklyWorkspaceFor(weeklyRoot, latencyRoot, RAW_TEXT);
    const weekly = await runCli(BIN.weekly, ['--root', weeklyRoot, ...WEEKLY_ARGS], { env: cleanEnv() });
    expect(weekly.exitCode).toBe(0);
    const summary = weekly.json();
    expect(summary).toMatchObject({ status: 'dry_run', latency_method: 'exact' });
    expect(summary.diagnostics.latency_rows_skipped).toEqual([
      { file: RAW, count: BAD.length, lines: rejectedLines },
    ]);
    const payload = JSON.parse(await readFile(join(weeklyRoot, summary.artefacts[0]), 'utf8'));
    // 0.5, 100, 250, 1000: position (n−1)·p
    expect(payload.latency).toMatchObject({ samples: 4, p50_ms: 175, max_ms: 1000 });
  });
});

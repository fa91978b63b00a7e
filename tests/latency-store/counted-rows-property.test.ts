import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, roundMs, runJob } from '../../packages/automation-core/dist/index.js';
import { dashboardJob } from '../../packages/dashboard-cli/dist/index.js';
import { latencyJob } from '../../packages/latency-cli/dist/index.js';
import { weeklyJob } from '../../packages/weekly-cli/dist/index.js';
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

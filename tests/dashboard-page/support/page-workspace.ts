import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latencySampleLines, writeLines } from '../../../scripts/sample-workspace.mjs';
import { type JsonDocument, NOW, writeDashboardWorkspace } from '../../dashboard/support/dashboard-run.js';
import { BIN, cleanEnv, runCli } from '../../support/cli-process.js';

/** The SLO the fixture configures (not the default 5000 ms, so the line proves it was read). */
export const CONFIGURED_SLO_MS = 4000;
export const PAGE = 'out/dashboard/index.html';

/** A weekly heartbeat whose last real success is 7 hours old and whose last run failed. */
export const WEEKLY_HEARTBEAT = {
  job_id: '20261124T110000Z-weekly',
  status: 'error',
  generated_at: '2026-11-24T11:00:00.000Z',
  last_success_at: '2026-11-24T05:10:00.000Z',
  last_failure: {
    job_id: '20261124T110000Z-weekly',
    error_code: 'auth_failed',
    at: '2026-11-24T11:00:00.000Z',
  },
};

/**
 * A workspace as the chain leaves it: the dashboard inputs of the seeded generator, three days of
 * latency samples ending in a three-hour breach, rolled up by a real obs-latency run under a
 * configured SLO, and a failing weekly job's heartbeat.
 */
export async function writeChainWorkspace(root: string): Promise<void> {
  await writeDashboardWorkspace(root);
  await writeLines(
    join(root, 'ops/signal_latency.csv'),
    latencySampleLines({
      anchorMs: Date.parse(NOW),
      seed: 11,
      days: 3,
      intervalMinutes: 15,
      sources: ['router_demo', 'broker_api'],
      breachHours: 3,
    }),
  );
  await mkdir(join(root, 'configs/observability'), { recursive: true });
  await writeFile(
    join(root, 'configs/observability/latency_alert.yaml'),
    `slo_p95_ms: ${CONFIGURED_SLO_MS}\nfailure_rate_threshold: 0.05\n`,
  );
  const latency = await runCli(BIN.latency, ['--root', root, '--now', NOW], { env: cleanEnv() });
  if (latency.exitCode !== 0) throw new Error(`obs-latency failed: ${latency.stdout}${latency.stderr}`);
  await writeFile(
    join(root, 'ops/weekly_report_heartbeat.json'),
    `${JSON.stringify(WEEKLY_HEARTBEAT, null, 2)}\n`,
  );
}

export async function readDataset(root: string, name: string): Promise<JsonDocument> {
  return JSON.parse(await readFile(join(root, 'out/dashboard', `${name}.json`), 'utf8')) as JsonDocument;
}

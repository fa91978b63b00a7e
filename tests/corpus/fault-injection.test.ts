import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { changeDashboardInputs } from '../dashboard/support/dashboard-run.js';
import { csvLines } from './support/bad-inputs.js';
import { concurrencyLimit } from './support/concurrency-limit.js';
import type { JsonDocument } from './support/corpus-case.js';
import {
  type CrashCase,
  crashThenRerun,
  LOCK_STALE_SECONDS,
  type RerunCheck,
} from './support/crash-rerun.js';
import { dataLines } from './support/csv-text.js';
import {
  DAILY,
  DASHBOARD,
  type JobRun,
  LATENCY,
  minutesLater,
  REBUILD_LOG,
  runJobCli,
  WEEKLY,
} from './support/jobs-under-test.js';
import { LATENCY_RAW, storedLatencyRows } from './support/latency-row-store.js';
import { RAW_HEADER } from './support/latency-table.js';

const SECRET = 'fault-injection-signing-secret-0123456789';
const DAY_MINUTES = 24 * 60;

let server: WebhookTestServer;
beforeAll(async () => {
  server = await startWebhookTestServer();
});
afterAll(() => server.close());

const deliveryEnv = () => ({ OBS_WEEKLY_WEBHOOK_URL: server.url, OBS_WEBHOOK_SECRET: SECRET });

// ---- obs-weekly: a delivered report's history, and its retention ----

const WEEKLY_HISTORY = 'ops/weekly_report_history';

async function historyManifest(root: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, WEEKLY_HISTORY, 'manifest.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

/** A real delivery to the local webhook server, without backoff between attempts. */
async function weeklyDelivery(): Promise<JobRun> {
  return { args: ['--retry-wait-seconds', '0'], env: deliveryEnv() };
}

/**
 * The delivered week is recorded once in the history manifest, over the payload's exact bytes;
 * a re-run that delivered again leaves a trace obs-verify accepts (payload and signature).
 */
async function verifyWeeklyDelivery({ root, rerun, checks, expect }: RerunCheck) {
  // A re-run after a recorded delivery has nothing due (not_due) and names the week delivered.
  const week = rerun.week_start ?? rerun.last_delivered_week_start;
  const delivered = (await historyManifest(root)).filter(
    (line) => line.event === 'delivered' && line.week_start === week,
  );
  expect(delivered, 'one manifest line records the delivery').toHaveLength(1);
  const payload = await readFile(join(root, WEEKLY_HISTORY, `${week}.json`));
  expect(delivered[0]?.checksum_sha256).toBe(createHash('sha256').update(payload).digest('hex'));
  if (rerun.delivered) expect(checks.job_trace).toMatchObject({ status: 'pass' });
}

/** obs-verify traces a re-run that delivered, checking the payload and its signature. */
const traceDelivery = (rerun: JsonDocument) => ({
  args: rerun.delivered ? ['--job-id', rerun.job_id, '--require-job-entry'] : [],
  env: { OBS_WEBHOOK_SECRET: SECRET },
});

/** 70 days on: the first week's report is past the 60-day retention. */
const WEEKLY_LATER = minutesLater(WEEKLY, 70 * DAY_MINUTES);

const weeklyCases: CrashCase[] = [
  { job: WEEKLY, point: 'atomic:before-rename' },
  { job: WEEKLY, point: 'log:after-append' },
  {
    job: WEEKLY,
    point: 'weekly:after-history-payload',
    arrange: weeklyDelivery,
    verifyWith: traceDelivery,
    verify: verifyWeeklyDelivery,
  },
  {
    job: WEEKLY,
    point: 'weekly:after-history-signature',
    arrange: weeklyDelivery,
    verifyWith: traceDelivery,
    verify: verifyWeeklyDelivery,
  },
  {
    job: WEEKLY,
    point: 'weekly:after-retention-record',
    arrange: async (root) => {
      const delivery = await weeklyDelivery();
      const first = await runJobCli(WEEKLY, root, delivery);
      if (first.exitCode !== 0) throw new Error(`the first delivery failed: ${first.stdout}`);
      return { ...delivery, now: WEEKLY_LATER };
    },
    verify: async ({ root, expect }) => {
      const names = await readdir(join(root, WEEKLY_HISTORY));
      expect(names.filter((name) => name.startsWith('2025-10-06'))).toEqual([]);
      const deleted = (await historyManifest(root)).filter((line) => line.event === 'deleted');
      expect(deleted.map((line) => line.path).sort(), 'each deletion is recorded once').toEqual([
        `${WEEKLY_HISTORY}/2025-10-06.json`,
        `${WEEKLY_HISTORY}/2025-10-06.sig`,
      ]);
    },
  },
];

// ---- obs-dashboard: the bundle, its history and the retention's archive manifest ----

/** The bundle verifies (as `obs-verify bundle`) and each pruned bundle is recorded once. */
async function verifyDashboardBundle({ root, checks, expect }: RerunCheck) {
  expect(checks.dashboard_manifest, JSON.stringify(checks.dashboard_manifest)).toMatchObject({
    status: 'pass',
  });
  const archive = await readFile(join(root, 'ops/dashboard_export_archive_manifest.jsonl'), 'utf8').catch(
    () => '',
  );
  const jobIds = archive
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as JsonDocument).job_id);
  expect(jobIds, 'each pruned bundle is recorded once').toEqual([...new Set(jobIds)]);
}

const DASHBOARD_LATER = minutesLater(DASHBOARD, 60 * DAY_MINUTES);

const dashboardCases: CrashCase[] = [
  'atomic:before-rename',
  'log:after-append',
  'dashboard:after-datasets-write',
  'dashboard:after-manifest-replace',
  'dashboard:after-history-copy',
].map((point) => ({ job: DASHBOARD, point, verify: verifyDashboardBundle }));
dashboardCases.push({
  job: DASHBOARD,
  point: 'dashboard:after-archive-manifest-append',
  arrange: async (root) => {
    const first = await runJobCli(DASHBOARD, root);
    if (first.exitCode !== 0) throw new Error(`the first export failed: ${first.stdout}`);
    // Other datasets than the first bundle's, so the later run keeps its own and prunes that one.
    await changeDashboardInputs(root, 1);
    return { now: DASHBOARD_LATER };
  },
  verify: verifyDashboardBundle,
});

// ---- obs-latency: retention archives rows, none may be lost or doubled ----

/** 16 days of samples every two hours, each row unique: the oldest two days expire. */
async function writeExpiringSamples(root: string): Promise<JobRun> {
  const nowMs = Date.parse(LATENCY.now);
  const rows: string[] = [];
  for (let index = 0; index < 16 * 12; index += 1) {
    const at = new Date(nowMs - (16 * 12 - index) * 2 * 3_600_000).toISOString();
    rows.push(`${at},router_demo,${100 + (index % 37)},,success,row-${index}`);
  }
  await writeFile(join(root, LATENCY_RAW), csvLines(RAW_HEADER, rows));
  return {};
}

const latencyCases: CrashCase[] = [
  'atomic:before-rename',
  'log:after-append',
  'latency:after-archive-write',
  'latency:after-manifest-append',
  'latency:after-raw-replace',
  'latency:after-rollup-replace',
].map((point) => ({
  job: LATENCY,
  point,
  arrange: writeExpiringSamples,
  keep: LATENCY_RAW,
  verify: async ({ root, kept, expect }) => {
    const expected = dataLines(kept?.toString('utf8') ?? '');
    expect((await storedLatencyRows(root)).sort(), 'every sample stored exactly once').toEqual(
      expected.sort(),
    );
  },
}));

// ---- obs-verify rebuild-log --apply: the log is replaced, its old bytes kept in a backup ----

const LOG = 'ops/automation_runs.log';

const rebuildCases: CrashCase[] = [
  'atomic:before-rename',
  'log:after-append',
  'rebuild-log:after-backup',
  'rebuild-log:after-log-replace',
].map((point) => ({
  job: REBUILD_LOG,
  point,
  arrange: async (root) => {
    const log = join(root, LOG);
    await writeFile(log, `${await readFile(log, 'utf8')}not json\n`);
    return {};
  },
  keep: LOG,
  verify: async ({ root, kept, expect }) => {
    const backups = (await readdir(join(root, 'ops'))).filter((name) =>
      name.startsWith('automation_runs.log.bak-'),
    );
    const backedUp = await Promise.all(backups.map((name) => readFile(join(root, 'ops', name))));
    expect(
      backedUp.some((bytes) => kept?.equals(bytes)),
      'a backup holds the original log',
    ).toBe(true);
    expect(await readFile(join(root, `${LOG}.corrupt`), 'utf8')).toContain('not json');
  },
}));

// ---- obs-daily: the chain, killed between its jobs ----

/** The chain's jobs take over their own stale locks as quickly as the chain does. */
async function fastLockTakeover(root: string): Promise<JobRun> {
  const args = `    args:\n      --lock-stale-seconds: ${LOCK_STALE_SECONDS}\n`;
  await mkdir(join(root, 'configs/observability'), { recursive: true });
  await writeFile(
    join(root, 'configs/observability/automation.yaml'),
    ['latency', 'weekly', 'dashboard'].map((job) => `${job}:\n${args}`).join(''),
  );
  return {};
}

const dailyCases: CrashCase[] = [
  'atomic:before-rename',
  'log:after-append',
  'daily:after-latency',
  'daily:after-weekly',
  'daily:after-dashboard',
].map((point) => ({
  job: DAILY,
  point,
  arrange: fastLockTakeover,
  verifyWith: (rerun: JsonDocument) => ({ args: ['--job-id', rerun.job_id, '--require-job-entry'] }),
  verify: async ({ checks, expect }) => {
    expect(checks.job_trace, JSON.stringify(checks.job_trace)).toMatchObject({ status: 'pass' });
  },
}));

/** Mostly waiting for locks to go stale, so more cases at once than the input corpus runs. */
const limited = concurrencyLimit(6);

const TABLES: [string, CrashCase[]][] = [
  ['obs-weekly', weeklyCases],
  ['obs-dashboard', dashboardCases],
  ['obs-latency', latencyCases],
  ['obs-verify rebuild-log', rebuildCases],
  ['obs-daily', dailyCases],
];

describe.each(TABLES)('%s killed with SIGKILL at each named point, then run again', (_title, cases) => {
  const rows = cases.map((crash): [string, CrashCase] => [crash.point, crash]);
  it.concurrent.for(rows)(
    '%s: the re-run succeeds and the artefacts verify',
    { timeout: 60_000 },
    ([, crash], { expect }) => limited(() => crashThenRerun(crash, expect)),
  );
});

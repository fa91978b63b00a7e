import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { BIN, cleanEnv, makeWorkspace } from '../support/cli-process.js';
import {
  copyWorkspace,
  failureCodes,
  type JsonDocument,
  NOW,
  readJsonLines,
  routeNotificationsToWebhook,
  runDaily,
  runVerify,
  SIGNING_SECRET,
  webhookEnv,
  writeDailyInputs,
} from './support/daily-workspace.js';

const LOG = 'ops/automation_runs.log';
const CHAIN_ID = '20251006T120000Z-daily';

let server: WebhookTestServer;
/** receives the chain's notifications (the sample's latency alerts) */
let alerts: WebhookTestServer;
let temp: string;
let cleanup: () => Promise<void>;
/** Inputs only, never run on. */
let inputs: string;
/** After one successful chain; each tampering test works on a copy. */
let ran: string;
let chain: JsonDocument;
let copies = 0;

async function freshCopy(of: string): Promise<string> {
  copies += 1;
  const target = join(temp, `copy-${copies}`);
  await copyWorkspace(of, target);
  return target;
}

beforeAll(async () => {
  server = await startWebhookTestServer({ path: '/hooks/weekly' });
  alerts = await startWebhookTestServer({ path: '/hooks/alerts' });
  ({ root: temp, cleanup } = await makeWorkspace('obs-daily-'));
  inputs = join(temp, 'inputs');
  await writeDailyInputs(inputs);
  await routeNotificationsToWebhook(inputs);
  ran = await freshCopy(inputs);
  const result = await runDaily(ran, ['--observability', '--json-out', 'out/daily-summary.json'], {
    env: webhookEnv(server.url, alerts.url),
  });
  expect(result.exitCode, result.stderr).toBe(0);
  chain = result.json();
});

afterAll(async () => {
  await Promise.all([server.close(), alerts.close()]);
  await cleanup();
});

describe('obs-daily --observability', () => {
  it('runs latency, weekly and dashboard in order as children of the chain', async () => {
    expect(chain.job_id).toBe(CHAIN_ID);
    expect(chain.jobs.map((job: JsonDocument) => job.job)).toEqual(['latency', 'weekly', 'dashboard']);
    expect(chain.jobs.map((job: JsonDocument) => job.job_id)).toEqual([
      '20251006T120000Z-latency',
      '20251006T120000Z-weekly',
      '20251006T120000Z-dashboard',
    ]);
    for (const job of chain.jobs) {
      expect(['ok', 'warning']).toContain(job.status);
      expect(job.summary).toMatchObject({ job_id: job.job_id, parent_job_id: CHAIN_ID });
      expect(job.duration_ms).toEqual(expect.any(Number));
    }
    expect(chain.jobs[1].summary).toMatchObject({ delivered: true, week_start: '2025-09-29' });
    expect(server.requests).toHaveLength(1);
    expect(server.verifySignatures(server.requests[0] as never, SIGNING_SECRET)).toEqual({
      obsSignature: true,
      standardSignature: true,
    });

    const log = await readJsonLines(ran, LOG);
    expect(log.map((entry) => [entry.job_name, entry.parent_job_id ?? null, entry.sequence])).toEqual([
      ['latency', CHAIN_ID, 1],
      ['weekly', CHAIN_ID, 2],
      ['dashboard', CHAIN_ID, 3],
      ['daily', null, 4],
    ]);
    const chainEntry = log[3] as JsonDocument;
    expect(chainEntry.summary.jobs).toEqual(
      chain.jobs.map((job: JsonDocument) => ({
        job: job.job,
        job_id: job.job_id,
        status: job.status,
        duration_ms: job.duration_ms,
      })),
    );
    const childArtefacts = log.slice(0, 3).flatMap((entry) => entry.artefacts);
    expect([...chainEntry.artefacts].sort()).toEqual([...new Set(childArtefacts)].sort());
    expect(JSON.parse(await readFile(join(ran, 'out/daily-summary.json'), 'utf8'))).toEqual(chain);
  });

  it('leaves a chain that obs-verify --job-id traces end to end', async () => {
    const root = await freshCopy(ran);
    const result = await runVerify(root, ['--job-id', CHAIN_ID, '--require-job-entry'], {
      env: { OBS_WEBHOOK_SECRET: SIGNING_SECRET },
    });
    expect(result.json().failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    const trace = result.json().checks.find((check: JsonDocument) => check.name === 'job_trace');
    const verifiedKinds = new Set(
      trace.details.artefacts
        .filter((note: JsonDocument) => note.result === 'verified')
        .map((note: JsonDocument) => note.kind),
    );
    expect([...verifiedKinds].sort()).toEqual([
      'dashboard_dataset',
      'manifest_entry',
      'weekly_payload',
      'weekly_signature',
    ]);
  });

  describe('after tampering, obs-verify --job-id fails with the right error code', () => {
    async function verifyTampered(tamper: (root: string) => Promise<void>, now = NOW): Promise<JsonDocument> {
      const root = await freshCopy(ran);
      await tamper(root);
      const result = await runVerify(root, ['--job-id', CHAIN_ID, '--require-job-entry'], {
        env: { OBS_WEBHOOK_SECRET: SIGNING_SECRET },
        now,
      });
      expect(result.exitCode).toBe(1);
      const report = result.json();
      expect(report.status).toBe('error');
      return report;
    }

    it('a dataset byte flipped', async () => {
      const report = await verifyTampered(async (root) => {
        const path = join(root, 'out/dashboard/turnover.json');
        const bytes = await readFile(path);
        bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01;
        await writeFile(path, bytes);
      });
      expect(failureCodes(report)).toEqual(
        expect.arrayContaining(['job_trace checksum_mismatch', 'dashboard_manifest checksum_mismatch']),
      );
    });

    it('an archive deleted', async () => {
      const report = await verifyTampered(async (root) => {
        const folder = join(root, 'ops/signal_latency_archive/2025/10');
        const [archive] = await readdir(folder);
        await rm(join(folder, archive as string));
      });
      expect(failureCodes(report)).toEqual(['job_trace artefact_missing']);
    });

    it('a weekly history file edited', async () => {
      const report = await verifyTampered(async (root) => {
        const path = join(root, 'ops/weekly_report_history/2025-09-29.json');
        const payload = JSON.parse(await readFile(path, 'utf8'));
        payload.runs = payload.runs.slice(1);
        await writeFile(path, JSON.stringify(payload));
      });
      expect(failureCodes(report)).toEqual(
        expect.arrayContaining(['job_trace checksum_mismatch', 'job_trace signature_mismatch']),
      );
    });

    it('a log line corrupted', async () => {
      const report = await verifyTampered(async (root) => {
        const lines = (await readFile(join(root, LOG), 'utf8')).split('\n');
        lines[1] = (lines[1] as string).slice(0, 80);
        await writeFile(join(root, LOG), lines.join('\n'));
      });
      expect(failureCodes(report)).toEqual(
        expect.arrayContaining(['log_schema log_schema_invalid', 'job_trace child_entry_missing']),
      );
    });

    it('a sequence gap', async () => {
      const report = await verifyTampered(async (root) => {
        const lines = (await readFile(join(root, LOG), 'utf8')).split('\n');
        lines[3] = (lines[3] as string).replace('"sequence":4', '"sequence":6');
        await writeFile(join(root, LOG), lines.join('\n'));
        await writeFile(
          join(root, 'ops/automation_runs.sequence'),
          '{"value":6,"updated_at":"2025-10-06T12:00:00Z"}\n',
        );
      });
      expect(failureCodes(report)).toEqual(['sequence sequence_gap']);
    });

    it('a stale heartbeat (--now 7 hours later): every job of the chain and the chain itself', async () => {
      const report = await verifyTampered(async () => undefined, '2025-10-06T19:00:00Z');
      expect(failureCodes(report)).toEqual([
        'heartbeat_fresh heartbeat_stale',
        'heartbeat_fresh heartbeat_stale',
        'heartbeat_fresh heartbeat_stale',
        'heartbeat_fresh heartbeat_stale',
      ]);
    });
  });

  it('stops the chain when weekly fails: dashboard is logged as skipped (upstream_failed), exit 1', async () => {
    const root = await freshCopy(inputs);
    server.enqueue({ status: 401, body: '{"error":"bad signature"}' });
    const result = await runDaily(root, ['--observability'], { env: webhookEnv(server.url, alerts.url) });
    expect(result.exitCode).toBe(1);
    const report = result.json();
    expect(report).toMatchObject({
      status: 'error',
      diagnostics: {
        error_code: 'job_failed',
        failed_job: 'weekly',
        failed_error_code: 'auth_failed',
        not_run: ['dashboard'],
      },
    });
    expect(report.jobs.map((job: JsonDocument) => [job.job, job.status])).toEqual([
      ['latency', chain.jobs[0].status],
      ['weekly', 'error'],
      ['dashboard', 'skipped'],
    ]);
    const log = await readJsonLines(root, LOG);
    expect(log.map((entry) => [entry.job_name, entry.status])).toEqual([
      ['latency', chain.jobs[0].status],
      ['weekly', 'error'],
      ['dashboard', 'skipped'],
      ['daily', 'error'],
    ]);
    expect(log[2]).toMatchObject({
      job_id: '20251006T120000Z-dashboard',
      parent_job_id: CHAIN_ID,
      diagnostics: {
        error_code: 'upstream_failed',
        upstream_job: 'weekly',
        upstream_job_id: '20251006T120000Z-weekly',
      },
    });
    expect(existsSync(join(root, 'out/dashboard/manifest.json'))).toBe(false);
    const verify = await runVerify(root, ['--job-id', CHAIN_ID]);
    expect(failureCodes(verify.json())).toEqual(
      expect.arrayContaining(['job_trace job_failed', 'job_trace child_failed']),
    );
  });

  it('goes on when a job is skipped because its lock is held', async () => {
    const root = await freshCopy(ran);
    await mkdir(join(root, 'ops/.latency.lock'), { recursive: true });
    const later = '2025-10-06T12:15:00Z';
    const result = await runDaily(root, ['--observability', '--dry-run'], { now: later });
    expect(result.exitCode).toBe(0);
    const report = result.json();
    expect(report).toMatchObject({ job_id: '20251006T121500Z-daily', status: 'warning' });
    // a dry-run chain that ends warning says it was a dry run: no reader takes it for a success
    expect(report.diagnostics).toEqual({ skipped_by_lock: ['latency'], dry_run: true });
    expect(report.jobs.map((job: JsonDocument) => [job.job, job.status])).toEqual([
      ['latency', 'skipped'],
      ['weekly', 'dry_run'],
      ['dashboard', 'dry_run'],
    ]);
    expect(report.jobs[0].summary.diagnostics.error_code).toBe('lock_not_acquired');
    const verify = await runVerify(root, ['--job-id', '20251006T121500Z-daily', '--require-job-entry'], {
      now: later,
    });
    expect(verify.json().failures).toEqual([]);
  });

  it('skips a second chain while one holds the chain lock', async () => {
    const root = await freshCopy(inputs);
    await mkdir(join(root, 'ops/.daily.lock'), { recursive: true });
    const result = await runDaily(root, ['--observability', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      status: 'skipped',
      diagnostics: { error_code: 'lock_not_acquired' },
    });
    expect((await readJsonLines(root, LOG)).map((entry) => entry.job_name)).toEqual(['daily']);
  });

  it('prints usage and exits 2 without --observability', async () => {
    const root = await freshCopy(inputs);
    const result = await runDaily(root, ['--dry-run']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Usage: obs-daily');
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: '--observability' });
    expect(existsSync(join(root, LOG))).toBe(false);
  });
});

describe('obs-daily killed between two jobs', () => {
  it('leaves the finished jobs logged as children; the trace reports the missing chain entry', async () => {
    const root = await freshCopy(inputs);
    const crashed = await runDaily(root, ['--observability', '--dry-run'], {
      env: { OBS_FAULT_POINT: 'daily:after-weekly' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    const log = await readJsonLines(root, LOG);
    expect(log.map((entry) => [entry.job_name, entry.parent_job_id])).toEqual([
      ['latency', CHAIN_ID],
      ['weekly', CHAIN_ID],
    ]);
    const verify = await runVerify(root, ['--job-id', CHAIN_ID, '--require-job-entry']);
    expect(verify.exitCode).toBe(1);
    expect(failureCodes(verify.json())).toContain('job_trace job_entry_missing');
  });
});

describe('obs-daily interrupted', () => {
  it('on SIGTERM stops the running job at a safe point and logs the rest as not run', async () => {
    const root = await freshCopy(inputs);
    const probe = await startWebhookTestServer({ path: '/ping', defaultResponse: 'hang' });
    try {
      await mkdir(join(root, 'configs/observability'), { recursive: true });
      await writeFile(
        join(root, 'configs/observability/latency.yaml'),
        `sources:\n  - name: stuck\n    type: http\n    url: ${probe.url}\n    timeout_ms: 60000\n`,
      );
      const child = spawn(
        process.execPath,
        [BIN.daily, '--observability', '--dry-run', '--root', root, '--now', NOW],
        {
          env: cleanEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (probe.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      const report = JSON.parse(stdout) as JsonDocument;
      expect(report).toMatchObject({
        status: 'error',
        diagnostics: { error_code: 'interrupted', failed_job: 'latency', not_run: ['weekly', 'dashboard'] },
      });
      const log = await readJsonLines(root, LOG);
      expect(log.map((entry) => [entry.job_name, entry.status, entry.diagnostics.error_code])).toEqual([
        ['latency', 'error', 'interrupted'],
        ['weekly', 'skipped', 'interrupted'],
        ['dashboard', 'skipped', 'interrupted'],
        ['daily', 'error', 'interrupted'],
      ]);
      expect(existsSync(join(root, 'ops/.daily.lock'))).toBe(false);
    } finally {
      await probe.close();
    }
  });
});

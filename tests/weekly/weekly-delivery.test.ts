import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../packages/automation-core/src/canonical-json.js';
import {
  type RecordedRequest,
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { payloadChecksum } from '../../packages/weekly-cli/src/index.js';
import {
  writeText,
  writeWeeklyWorkspace,
} from '../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { NOW, readJson, readJsonLines, runWeekly, SECRET } from './weekly-run.js';

const HISTORY = 'ops/weekly_report_history';

let root: string;
let cleanup: () => Promise<void>;
let server: WebhookTestServer;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-weekly-delivery-'));
  await writeWeeklyWorkspace(root);
  server = await startWebhookTestServer({ path: '/hooks/weekly' });
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const webhookEnv = () => ({ OBS_WEEKLY_WEBHOOK_URL: server.url, OBS_WEBHOOK_SECRET: SECRET });
const deliver = (args: string[] = [], env: NodeJS.ProcessEnv = webhookEnv()) => runWeekly(root, args, env);

describe('obs-weekly delivery', () => {
  it.each(['not a url', 'ftp://hooks.example/weekly', 'https://'])(
    'a malformed webhook URL in the environment (%j) is invalid_config, exit 2, without its value',
    async (url) => {
      const result = await deliver([], { OBS_WEEKLY_WEBHOOK_URL: url, OBS_WEBHOOK_SECRET: SECRET });
      expect(result.exitCode).toBe(2);
      expect(result.json()).toMatchObject({
        status: 'error',
        diagnostics: {
          error_code: 'invalid_config',
          error_message: expect.stringContaining('OBS_WEEKLY_WEBHOOK_URL'),
        },
      });
      expect(result.stdout).not.toContain('hooks.example');
      expect(server.requests).toHaveLength(0);
    },
  );

  it('posts the signed canonical payload once and keeps it, its signature and a manifest line', async () => {
    const result = await deliver();
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({
      status: 'ok',
      job_id: '20251014T010000Z-weekly',
      week_start: '2025-10-06',
      delivered: true,
      webhook_id: 'obs-weekly:2025-10-06',
      revision: 1,
      attempts: 1,
      webhook_status_code: 200,
      runs_included: 2,
      latency_method: 'exact',
      last_delivered_week_start: '2025-10-06',
      next_due_at: '2025-10-18T23:30:00.000Z',
      next_due_week_start: '2025-10-13',
    });
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0] as RecordedRequest;
    const body = request.body.toString('utf8');
    const payload = JSON.parse(body);

    // The body is canonical JSON, byte-identical to the history file, and carries its checksum.
    expect(canonicalJson(payload)).toBe(body);
    expect(await readFile(join(root, HISTORY, '2025-10-06.json'))).toEqual(request.body);
    expect(payload.payload_checksum_sha256).toBe(summary.payload_checksum_sha256);
    expect(payloadChecksum(payload)).toBe(summary.payload_checksum_sha256);
    expect(summary.payload_size_bytes).toBe(request.body.length);
    expect(payload).toMatchObject({
      schema_version: '1.1.0',
      week_start: '2025-10-06',
      week_end: '2025-10-12',
    });

    // The receiver verifies both signatures with its own HMAC code.
    expect(server.verifySignatures(request, SECRET)).toEqual({ obsSignature: true, standardSignature: true });
    expect(request.headers['webhook-id']).toBe('obs-weekly:2025-10-06');

    const signature = await readJson(root, `${HISTORY}/2025-10-06.sig`);
    expect(signature).toEqual({
      algorithm: 'hmac-sha256',
      signature: request.headers['x-obs-signature'],
      webhook_id: request.headers['webhook-id'],
      timestamp: Number(request.headers['webhook-timestamp']),
      payload_checksum_sha256: summary.payload_checksum_sha256,
      job_id: '20251014T010000Z-weekly',
      revision: 1,
    });
    expect(await readJsonLines(root, `${HISTORY}/manifest.jsonl`)).toEqual([
      {
        event: 'delivered',
        week_start: '2025-10-06',
        job_id: '20251014T010000Z-weekly',
        path: `${HISTORY}/2025-10-06.json`,
        checksum_sha256: expect.stringMatching(/^[a-f0-9]{64}$/),
        delivered_at: new Date(NOW).toISOString(),
        webhook_status_code: 200,
        attempts: 1,
        revision: 1,
        webhook_id: 'obs-weekly:2025-10-06',
        supersedes: null,
      },
    ]);
    expect(summary.artefacts).toEqual([
      `${HISTORY}/2025-10-06.json`,
      `${HISTORY}/2025-10-06.sig`,
      `${HISTORY}/manifest.jsonl`,
    ]);
    expect(await readJson(root, 'ops/weekly_report_heartbeat.json')).toMatchObject({
      job_id: '20251014T010000Z-weekly',
      status: 'ok',
      last_webhook_status_code: 200,
      last_delivered_week_start: '2025-10-06',
      next_due_at: '2025-10-18T23:30:00.000Z',
      next_due_week_start: '2025-10-13',
      unrecorded_deliveries: [],
      last_failure: null,
    });
    const [entry] = await readJsonLines(root, 'ops/automation_runs.log');
    expect(entry).toMatchObject({
      status: 'ok',
      attempts: 1,
      summary: { delivered: true, week_start: '2025-10-06' },
    });

    // The secret never leaves the environment.
    const everything = [
      result.stdout,
      result.stderr,
      await readFile(join(root, 'ops/automation_runs.log'), 'utf8'),
    ];
    for (const name of await readdir(join(root, HISTORY)))
      everything.push(await readFile(join(root, HISTORY, name), 'utf8'));
    for (const text of everything) expect(text).not.toContain(SECRET);
  });

  it('delivers each week once; --force-send re-sends it as a new revision under the same webhook-id base', async () => {
    expect((await deliver()).json().delivered).toBe(true);

    // Until the next send time nothing is due; naming the week finds it delivered.
    const again = await deliver(['--job-id', '20251014T020000Z-weekly']);
    expect(again.exitCode).toBe(0);
    expect(again.json()).toMatchObject({
      status: 'ok',
      delivered: false,
      reason: 'not_due',
      week_start: null,
      attempts: 0,
      webhook_status_code: null,
      next_due_at: '2025-10-18T23:30:00.000Z',
    });
    const named = await deliver(['--job-id', '20251014T021500Z-weekly', '--week-start', '2025-10-06']);
    expect(named.json()).toMatchObject({
      status: 'ok',
      delivered: false,
      reason: 'already_delivered',
      webhook_id: 'obs-weekly:2025-10-06',
      revision: 1,
    });
    expect(server.requests).toHaveLength(1);

    const forced = await deliver(['--job-id', '20251014T030000Z-weekly', '--force-send']);
    expect(forced.json()).toMatchObject({
      status: 'ok',
      delivered: true,
      week_start: '2025-10-06',
      webhook_id: 'obs-weekly:2025-10-06:r2',
      revision: 2,
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers['webhook-id']).toBe('obs-weekly:2025-10-06:r2');
    expect(await readFile(join(root, HISTORY, '2025-10-06.r2.json'))).toEqual(server.requests[1]?.body);
    expect(await readFile(join(root, HISTORY, '2025-10-06.json'))).toEqual(server.requests[0]?.body);
    const manifest = await readJsonLines(root, `${HISTORY}/manifest.jsonl`);
    expect(manifest.map((line) => [line.job_id, line.revision, line.path, line.supersedes])).toEqual([
      ['20251014T010000Z-weekly', 1, `${HISTORY}/2025-10-06.json`, null],
      ['20251014T030000Z-weekly', 2, `${HISTORY}/2025-10-06.r2.json`, `${HISTORY}/2025-10-06.json`],
    ]);
  });

  it("reads a corrected re-send's history back through obs-verify's trace and rebuild-log", async () => {
    expect((await deliver()).json().delivered).toBe(true);
    const forcedId = '20251014T030000Z-weekly';
    expect((await deliver(['--job-id', forcedId, '--force-send'])).json().revision).toBe(2);
    /** obs-verify (or its subcommand) on this workspace, an hour after the re-send. */
    const verify = (command: string[]) =>
      runCli(BIN.verify, [...command, '--root', root, '--now', '2025-10-14T04:00:00Z'], {
        env: cleanEnv({ OBS_WEBHOOK_SECRET: SECRET }),
      });

    const traced = (await verify(['--job-id', forcedId, '--require-job-entry'])).json();
    const trace = traced.checks.find((check: { name: string }) => check.name === 'job_trace');
    expect(trace.status).toBe('pass');
    expect(
      trace.details.artefacts
        .filter((note: { result: string }) => note.result === 'verified')
        .map((note: { kind: string; path: string }) => `${note.kind} ${note.path}`),
    ).toEqual(
      expect.arrayContaining([
        `weekly_payload ${HISTORY}/2025-10-06.r2.json`,
        `weekly_signature ${HISTORY}/2025-10-06.r2.sig`,
        `manifest_entry ${HISTORY}/2025-10-06.r2.json`,
      ]),
    );

    await rm(join(root, 'ops/automation_runs.log'));
    // Both weekly runs, and the verification above from obs-verify's own heartbeat.
    expect((await verify(['rebuild-log'])).json()).toMatchObject({ reconstructed: 3 });
    const rebuilt = await readJsonLines(root, 'ops/automation_runs.log.rebuilt');
    expect(rebuilt.map((entry) => entry.job_id.replace(/^\w+-/, ''))).toEqual(['weekly', 'weekly', 'verify']);
    expect(rebuilt.find((entry) => entry.job_id === forcedId)).toMatchObject({
      status: 'ok',
      artefacts: expect.arrayContaining([`${HISTORY}/2025-10-06.r2.json`, `${HISTORY}/2025-10-06.r2.sig`]),
      summary: { week_start: '2025-10-06', delivered: true },
    });
  });

  it('retries 500s and reports the attempts in the summary and the log', async () => {
    server.enqueue({ status: 500, body: 'boom' }, { status: 500, body: 'boom' });
    const result = await deliver();
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      status: 'ok',
      delivered: true,
      attempts: 3,
      webhook_status_code: 200,
    });
    expect(server.requests).toHaveLength(3);
    // Every attempt carries the same message id and a valid signature.
    for (const request of server.requests) {
      expect(request.headers['webhook-id']).toBe('obs-weekly:2025-10-06');
      expect(server.verifySignatures(request, SECRET)).toEqual({
        obsSignature: true,
        standardSignature: true,
      });
    }
    const [entry] = await readJsonLines(root, 'ops/automation_runs.log');
    expect(entry).toMatchObject({ attempts: 3, summary: { attempts: 3, delivered: true } });
    expect((await readJsonLines(root, `${HISTORY}/manifest.jsonl`))[0]).toMatchObject({ attempts: 3 });
  });

  it('honours Retry-After on a 429', async () => {
    server.enqueue({ status: 429, headers: { 'Retry-After': '1' } });
    const started = performance.now();
    const result = await deliver();
    const elapsed = performance.now() - started;
    expect(result.json()).toMatchObject({ status: 'ok', delivered: true, attempts: 2 });
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
  });

  it('stops on 401 with auth_failed, exit 1, and records the failure in the heartbeat', async () => {
    server.enqueue({ status: 401, body: 'bad signature' });
    const result = await deliver();
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      delivered: false,
      attempts: 1,
      webhook_status_code: 401,
      diagnostics: { error_code: 'auth_failed' },
    });
    expect(server.requests).toHaveLength(1);
    expect(existsSync(join(root, HISTORY, '2025-10-06.json'))).toBe(false);
    expect(await readJson(root, 'ops/weekly_report_heartbeat.json')).toMatchObject({
      status: 'error',
      last_webhook_status_code: 401,
      last_failure: { job_id: '20251014T010000Z-weekly', error_code: 'auth_failed' },
    });
  });

  it('reports a 4xx as webhook_rejected and a Retry-After beyond the limit as rate_limited', async () => {
    server.enqueue({ status: 422, body: 'unprocessable' });
    const rejected = await deliver();
    expect(rejected.exitCode).toBe(1);
    expect(rejected.json()).toMatchObject({
      attempts: 1,
      webhook_status_code: 422,
      diagnostics: { error_code: 'webhook_rejected', response_excerpt: 'unprocessable' },
    });

    server.enqueue({ status: 429, headers: { 'Retry-After': '120' } });
    const limited = await deliver(['--job-id', '20251014T020000Z-weekly', '--max-retry-after-seconds', '60']);
    expect(limited.exitCode).toBe(1);
    expect(limited.json()).toMatchObject({
      attempts: 1,
      webhook_status_code: 429,
      diagnostics: { error_code: 'rate_limited', retry_after: 120 },
    });
    expect(server.requests).toHaveLength(2);
  });

  it('names the unset environment variable as missing_secret', async () => {
    const noSecret = await deliver([], { OBS_WEEKLY_WEBHOOK_URL: server.url });
    expect(noSecret.exitCode).toBe(1);
    expect(noSecret.json().diagnostics).toMatchObject({
      error_code: 'missing_secret',
      error_message: expect.stringContaining('OBS_WEBHOOK_SECRET'),
    });
    const customName = await deliver(['--webhook-url-env', 'WEEKLY_HOOK_URL'], {
      OBS_WEBHOOK_SECRET: SECRET,
    });
    expect(customName.json().diagnostics).toMatchObject({
      error_code: 'missing_secret',
      env_vars: ['WEEKLY_HOOK_URL'],
    });
    expect(server.requests).toHaveLength(0);
  });

  it('reports a failed delivery as a warning when destinations.fail_on_error is false', async () => {
    await writeText(
      root,
      'configs/observability/weekly_payload.yaml',
      'destinations:\n  fail_on_error: false\n',
    );
    server.enqueue({ status: 503 }, { status: 503 });
    const result = await deliver(['--max-retries', '1']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      status: 'warning',
      delivered: false,
      attempts: 2,
      webhook_status_code: 503,
      diagnostics: { error_code: 'webhook_failed' },
    });
  });

  it('sends nothing in a dry run and writes the payload for inspection', async () => {
    for (const [args, config] of [
      [['--dry-run-webhook'], null],
      [[], 'destinations:\n  dry_run: true\n'],
    ] as const) {
      if (config) await writeText(root, 'configs/observability/weekly_payload.yaml', config);
      const result = await deliver([
        ...args,
        '--job-id',
        config ? '20251014T020000Z-weekly' : '20251014T010000Z-weekly',
      ]);
      const summary = result.json();
      expect(result.exitCode).toBe(0);
      expect(summary).toMatchObject({ status: 'dry_run', delivered: false, reason: 'dry_run', attempts: 0 });
      const written = await readJson(root, summary.artefacts[0]);
      expect(written.payload_checksum_sha256).toBe(summary.payload_checksum_sha256);
    }
    expect(server.requests).toHaveLength(0);
    expect(existsSync(join(root, HISTORY))).toBe(false);
  });

  it('previews the next report in a dry run when nothing is due, marked as a preview', async () => {
    expect((await deliver()).json().delivered).toBe(true);
    const preview = await deliver(['--dry-run-webhook', '--job-id', '20251014T020000Z-weekly']);
    expect(preview.exitCode).toBe(0);
    expect(preview.json()).toMatchObject({
      status: 'dry_run',
      delivered: false,
      reason: 'preview',
      week_start: '2025-10-13',
      next_due_at: '2025-10-18T23:30:00.000Z',
      artefacts: ['out/weekly_report/20251014T020000Z-weekly.preview.json'],
    });
    const payload = await readJson(root, 'out/weekly_report/20251014T020000Z-weekly.preview.json');
    expect(payload).toMatchObject({ week_start: '2025-10-13', generated_at: '2025-10-14T01:00:00.000Z' });
    expect(server.requests).toHaveLength(1);
  });

  it('deletes history past the retention after recording it in the manifest', async () => {
    await writeText(root, `${HISTORY}/2025-07-28.json`, '{"week_start":"2025-07-28"}');
    await writeText(root, `${HISTORY}/2025-07-28.sig`, 'ab'.repeat(32));
    // No catch-up: the weeks between 2025-07-28 and 2025-10-06 are not what this test is about.
    const result = await deliver(['--catch-up-weeks', '0']);
    expect(result.json().diagnostics.history_deleted).toEqual([
      `${HISTORY}/2025-07-28.json`,
      `${HISTORY}/2025-07-28.sig`,
    ]);
    expect((await readdir(join(root, HISTORY))).sort()).toEqual([
      '2025-10-06.json',
      '2025-10-06.sig',
      'manifest.jsonl',
    ]);
    const manifest = await readJsonLines(root, `${HISTORY}/manifest.jsonl`);
    expect(manifest.map((line) => [line.event, line.path])).toEqual([
      ['delivered', `${HISTORY}/2025-10-06.json`],
      ['deleted', `${HISTORY}/2025-07-28.json`],
      ['deleted', `${HISTORY}/2025-07-28.sig`],
    ]);
  });

  it('counts a delivery the history folder cannot take as delivered (history_write_failed) and never sends it again', async () => {
    await writeText(root, 'ops/blocked', 'a regular file where the history folder is expected\n');
    const outDir = ['--out-dir', 'ops/blocked/weekly_report_history'];
    const first = await deliver(outDir);
    expect(first.exitCode).toBe(0);
    expect(first.json()).toMatchObject({
      status: 'warning',
      delivered: true,
      webhook_id: 'obs-weekly:2025-10-06',
      revision: 1,
      webhook_status_code: 200,
      artefacts: [],
      diagnostics: {
        error_code: 'history_write_failed',
        history_dir: 'ops/blocked/weekly_report_history',
        cause: 'output_not_writable',
      },
    });
    expect(first.json().diagnostics.error_message).toContain(
      'cannot record it in ops/blocked/weekly_report_history',
    );
    expect(server.requests).toHaveLength(1);
    const heartbeat = await readJson(root, 'ops/weekly_report_heartbeat.json');
    expect(heartbeat).toMatchObject({
      status: 'warning',
      last_delivered_week_start: '2025-10-06',
      next_due_week_start: '2025-10-13',
    });
    expect(heartbeat.unrecorded_deliveries).toHaveLength(1);
    const [entry] = await readJsonLines(root, 'ops/automation_runs.log');
    expect(entry).toMatchObject({
      status: 'warning',
      summary: { delivered: true, week_start: '2025-10-06' },
    });

    // Still unwritable: nothing is sent again, and the run keeps saying why.
    const second = await deliver([...outDir, '--job-id', '20251014T011500Z-weekly']);
    expect(second.json()).toMatchObject({
      status: 'warning',
      delivered: false,
      reason: 'not_due',
      last_delivered_week_start: '2025-10-06',
      diagnostics: { error_code: 'history_write_failed' },
    });
    const named = await deliver([
      ...outDir,
      '--job-id',
      '20251014T012000Z-weekly',
      '--week-start',
      '2025-10-06',
    ]);
    expect(named.json()).toMatchObject({ delivered: false, reason: 'already_delivered' });
    expect(server.requests).toHaveLength(1);

    // Once the folder can be written, the next run records the kept delivery, byte for byte.
    await rm(join(root, 'ops/blocked'));
    const third = await deliver([...outDir, '--job-id', '20251014T013000Z-weekly']);
    expect(third.json()).toMatchObject({
      status: 'ok',
      reason: 'not_due',
      diagnostics: { history_recovered: ['2025-10-06 revision 1'] },
    });
    const recorded = 'ops/blocked/weekly_report_history';
    expect(await readFile(join(root, recorded, '2025-10-06.json'))).toEqual(server.requests[0]?.body);
    expect(await readJson(root, `${recorded}/2025-10-06.sig`)).toMatchObject({
      signature: server.requests[0]?.headers['x-obs-signature'],
      webhook_id: 'obs-weekly:2025-10-06',
      job_id: '20251014T010000Z-weekly',
    });
    expect(await readJsonLines(root, `${recorded}/manifest.jsonl`)).toMatchObject([
      {
        event: 'delivered',
        job_id: '20251014T010000Z-weekly',
        recovered_by: '20251014T013000Z-weekly',
        webhook_status_code: 200,
      },
    ]);
    expect((await readJson(root, 'ops/weekly_report_heartbeat.json')).unrecorded_deliveries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('delivers again after a crash between writing the payload and its signature', async () => {
    const crashed = await deliver([], { ...webhookEnv(), OBS_FAULT_POINT: 'weekly:after-history-payload' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(existsSync(join(root, HISTORY, '2025-10-06.json'))).toBe(true);
    expect(existsSync(join(root, HISTORY, '2025-10-06.sig'))).toBe(false);
    // The killed run's lock would be taken over once stale; removing it stands in for that wait.
    await rm(join(root, 'ops/.weekly.lock'), { recursive: true, force: true });

    const retried = await deliver(['--job-id', '20251014T020000Z-weekly']);
    expect(retried.json()).toMatchObject({ status: 'ok', delivered: true });
    expect(server.requests).toHaveLength(2);
    // Sent again under the webhook-id the receiver already has: it can drop the duplicate.
    expect(server.requests[1]?.headers['webhook-id']).toBe(server.requests[0]?.headers['webhook-id']);
    expect(await readFile(join(root, HISTORY, '2025-10-06.json'))).toEqual(server.requests[1]?.body);
  });
});

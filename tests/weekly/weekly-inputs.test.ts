import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import {
  RUNS_HEADER,
  writeRollup,
  writeRunsIndex,
  writeText,
  writeWeeklyWorkspace,
} from '../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { makeWorkspace, REFERENCE_WORKSPACE } from '../support/cli-process.js';
import { problemLines } from '../support/runbook.js';
import { readJson, readJsonLines, runWeekly, SECRET } from './weekly-run.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-weekly-inputs-'));
  await writeWeeklyWorkspace(root);
});
afterEach(() => cleanup());

describe('obs-weekly inputs', () => {
  it('fails with missing_input listing a missing portfolio summary', async () => {
    await rm(join(root, 'reports/portfolio_summary.json'));
    const result = await runWeekly(root, ['--dry-run-webhook']);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      diagnostics: { error_code: 'missing_input', missing: ['reports/portfolio_summary.json'] },
    });
    expect(await readJson(root, 'ops/weekly_report_heartbeat.json')).toMatchObject({
      last_failure: { error_code: 'missing_input' },
    });
  });

  it('fails with invalid_input naming the malformed line of the runs index', async () => {
    await writeText(
      root,
      'runs/index.csv',
      `${RUNS_HEADER.join(',')}\nr1,,20251008_101500,USDJPY,conservative,,1,1,1,1,1,1,1\nr2,,20251009_101500,USDJPY\n`,
    );
    const result = await runWeekly(root, ['--dry-run-webhook']);
    expect(result.exitCode).toBe(1);
    const { diagnostics } = result.json();
    expect(diagnostics).toMatchObject({ error_code: 'invalid_input', file: 'runs/index.csv', line: 3 });
    expect(diagnostics.error_message).toContain('runs/index.csv:3');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a payload the schema rejects, keeping it and the errors in <job_id>_invalid.json', async () => {
    await writeRunsIndex(root, [{ run_id: 'run with space', timestamp: '20251008_101500' }]);
    const result = await runWeekly(root, ['--dry-run-webhook']);
    expect(result.exitCode).toBe(1);
    const summary = result.json();
    expect(summary).toMatchObject({
      status: 'error',
      // a rehearsal also writes the notification it would have sent (job_failed)
      artefacts: [
        'out/weekly_report/20251014T010000Z-weekly_invalid.json',
        'out/notifications/20251014T010000Z-weekly.json',
      ],
      diagnostics: { error_code: 'schema_validation_failed' },
    });
    const invalid = await readJson(root, 'out/weekly_report/20251014T010000Z-weekly_invalid.json');
    expect(invalid.errors).toEqual([expect.objectContaining({ path: '/runs/0/run_id' })]);
    expect(invalid.payload.runs[0].run_id).toBe('run with space');
    // each violation on its own stderr line, then the run's own
    expect(problemLines(result.stderr)).toEqual([
      {
        binary: 'obs-weekly',
        code: 'schema_validation_failed',
        message: expect.stringMatching(/^payload schema violation at \/runs\/0\/run_id: /),
      },
      { binary: 'obs-weekly', code: 'schema_validation_failed', message: expect.any(String) },
    ]);
    expect(existsSync(join(root, 'out/weekly_report/20251014T010000Z-weekly.json'))).toBe(false);
  });

  it('validates against the schema named by --payload-schema, resolved in the workspace', async () => {
    await writeText(
      root,
      'schemas/strict.schema.json',
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'https://example.invalid/strict-weekly.json',
        type: 'object',
        required: ['owner'],
      }),
    );
    const result = await runWeekly(root, [
      '--dry-run-webhook',
      '--payload-schema',
      'schemas/strict.schema.json',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.json().diagnostics.error_code).toBe('schema_validation_failed');
    expect(result.stderr).toContain('owner');
  });

  it('rejects a --week-start that is not a Monday with exit 2', async () => {
    const result = await runWeekly(root, ['--week-start', '2025-10-08', '--dry-run-webhook']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics.error_message).toContain('Wednesday, not a Monday');
  });

  it('rejects an unknown config key with exit 2 naming its path', async () => {
    await writeText(root, 'configs/observability/weekly_payload.yaml', 'destinations:\n  webhook: []\n');
    const typo = await runWeekly(root, ['--dry-run-webhook']);
    expect(typo.exitCode).toBe(2);
    expect(typo.json().diagnostics).toMatchObject({
      error_code: 'invalid_config',
      key: 'destinations.webhook',
    });
  });

  it.each([
    ['send_at:\n  weekday: saturday\n  time: "23:60"\n', 'send_at.time'],
    ['send_at:\n  weekday: sabado\n  time: "23:30"\n', 'send_at.weekday'],
    ['send_at:\n  weekday: saturday\n', 'send_at.time'],
    ['send_at: "saturday 23:30"\n', 'send_at'],
    ['send_at:\n  weekday: saturday\n  time: "23:30"\n  zone: UTC\n', 'send_at.zone'],
    ['week: previous\nsend_at:\n  weekday: friday\n  time: "22:00"\n', 'send_at'],
    ['catch_up_weeks: -1\n', 'catch_up_weeks'],
  ])('rejects a bad schedule (%j) with exit 2 naming %s', async (config, key) => {
    await writeText(root, 'configs/observability/weekly_payload.yaml', config);
    const result = await runWeekly(root, ['--dry-run-webhook']);
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_config', key });
    expect(result.json().diagnostics.error_message).toContain(`key ${key}`);
    expect(result.stderr).toContain(`obs-weekly: invalid_config:`);
    expect(result.stderr).toContain(key);
  });

  it('takes `week: current` as the send-time schedule, with a deprecation note; `week: previous` keeps the last complete week', async () => {
    const saturdayNight = ['--dry-run-webhook', '--now', '2025-10-18T23:45:00Z'];
    await writeText(root, 'configs/observability/weekly_payload.yaml', 'week: current\n');
    const current = await runWeekly(root, saturdayNight);
    expect(current.json()).toMatchObject({ status: 'dry_run', week_start: '2025-10-13' });
    expect(current.json().diagnostics.deprecated_config[0]).toContain('week: "current" is deprecated');
    expect(current.stderr).toMatch(/^obs-weekly: deprecated_config: .*week: "current" is deprecated/m);

    await writeText(root, 'configs/observability/weekly_payload.yaml', 'week: previous\n');
    const previous = await runWeekly(root, saturdayNight);
    expect(previous.json()).toMatchObject({
      status: 'dry_run',
      week_start: '2025-10-06',
      next_due_at: '2025-10-13T00:00:00.000Z',
    });
    expect(previous.stderr).not.toContain('deprecated');
  });

  it('reports the week given by --week-start', async () => {
    const result = await runWeekly(root, ['--week-start', '2025-09-29', '--dry-run-webhook']);
    const summary = result.json();
    expect(summary).toMatchObject({ status: 'dry_run', week_start: '2025-09-29', runs_included: 1 });
    const payload = await readJson(root, summary.artefacts[0]);
    expect(payload.runs.map((run: { run_id: string }) => run.run_id)).toEqual([
      'USDJPY_conservative_20250929_080000',
    ]);
  });
});

const reference = (path: string) => join(REFERENCE_WORKSPACE, path);
const hasReference =
  existsSync(reference('runs/index.csv')) && existsSync(reference('reports/portfolio_summary.json'));

describe.skipIf(!hasReference)("obs-weekly on the earlier tooling's files", () => {
  it('loads its config, runs index, portfolio summary, raw latency CSV and latency heartbeat', async () => {
    await writeRollup(root, []);
    const result = await runWeekly(root, [
      '--config',
      reference('configs/observability/weekly_payload.yaml'),
      '--runs-root',
      reference('runs'),
      '--portfolio-summary',
      reference('reports/portfolio_summary.json'),
      '--latency-raw',
      reference('ops/signal_latency.csv'),
      '--latency-heartbeat',
      reference('ops/latency_job_heartbeat.json'),
      '--dry-run-webhook',
    ]);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({ status: 'dry_run', runs_included: 0, latency_method: 'exact' });
    const payload = await readJson(root, summary.artefacts[0]);
    expect(payload.runs).toEqual([]);
    expect(payload.alerts.map((alert: { id: string }) => alert.id)).toEqual(['no_runs']);
    expect(payload.portfolio).toMatchObject({ budget_status: 'normal', gross_exposure_pct: 0.33 });
    expect(payload.latency).toMatchObject({ samples: 1, p50_ms: 2100, pending_alerts: 0 });
  });

  describe('with its weekly report history', () => {
    let server: WebhookTestServer;
    beforeEach(async () => {
      server = await startWebhookTestServer();
      await mkdir(join(root, 'ops/weekly_report_history'), { recursive: true });
      for (const name of ['2025-10-06.json', '2025-10-06.sig'])
        await copyFile(
          reference(`ops/weekly_report_history/${name}`),
          join(root, 'ops/weekly_report_history', name),
        );
    });
    afterEach(() => server.close());

    const env = () => ({ OBS_WEEKLY_WEBHOOK_URL: server.url, OBS_WEBHOOK_SECRET: SECRET });

    it('treats a week it delivered as delivered', async () => {
      const result = await runWeekly(root, [], env());
      expect(result.exitCode).toBe(0);
      expect(result.json()).toMatchObject({
        status: 'ok',
        delivered: false,
        reason: 'not_due',
        last_delivered_week_start: '2025-10-06',
      });
      const named = await runWeekly(root, ['--week-start', '2025-10-06'], env());
      expect(named.json()).toMatchObject({ status: 'ok', delivered: false, reason: 'already_delivered' });
      expect(server.requests).toHaveLength(0);
    });

    it('deletes it once past the retention, recording the deletion first', async () => {
      await writeRollup(root, []);
      const result = await runWeekly(
        root,
        ['--now', '2025-12-16T00:00:00Z', '--week-start', '2025-12-08'],
        env(),
      );
      expect(result.json()).toMatchObject({ status: 'ok', delivered: true, week_start: '2025-12-08' });
      expect(existsSync(join(root, 'ops/weekly_report_history/2025-10-06.sig'))).toBe(false);
      const manifest = await readJsonLines(root, 'ops/weekly_report_history/manifest.jsonl');
      expect(manifest.filter((line) => line.event === 'deleted').map((line) => line.path)).toEqual([
        'ops/weekly_report_history/2025-10-06.json',
        'ops/weekly_report_history/2025-10-06.sig',
      ]);
      const legacyPayload = await readFile(reference('ops/weekly_report_history/2025-10-06.json'));
      expect(manifest.find((line) => line.event === 'deleted')?.checksum_sha256).toBe(
        createHash('sha256').update(legacyPayload).digest('hex'),
      );
    });
  });
});

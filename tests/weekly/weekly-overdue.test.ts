import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { writeWeeklyWorkspace } from '../../packages/weekly-cli/src/test-support/weekly-fixtures.js';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { type JsonDocument, runWeekly, SECRET } from './weekly-run.js';

let root: string;
let cleanup: () => Promise<void>;
let server: WebhookTestServer;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-weekly-overdue-'));
  await writeWeeklyWorkspace(root);
  server = await startWebhookTestServer();
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const env = () => ({ OBS_WEEKLY_WEBHOOK_URL: server.url, OBS_WEBHOOK_SECRET: SECRET });

async function weeklyOverdueAt(now: string): Promise<JsonDocument> {
  const result = await runCli(
    BIN.verify,
    ['--root', root, '--now', now, '--heartbeat', 'ops/weekly_report_heartbeat.json'],
    { env: cleanEnv() },
  );
  const report = result.json();
  return {
    check: report.checks.find((check: JsonDocument) => check.name === 'weekly_overdue'),
    failures: report.failures.filter((failure: JsonDocument) => failure.check === 'weekly_overdue'),
  };
}

describe('obs-verify weekly_overdue over real obs-weekly runs', () => {
  it('fails once a week is undelivered 6 hours after its send time, and passes once it is delivered', async () => {
    // The week of 2025-10-06 is due on Saturday 2025-10-11 at 23:30; the receiver is down.
    server.enqueue({ status: 503, body: 'down' });
    const failed = await runWeekly(root, ['--now', '2025-10-12T00:00:00Z', '--max-retries', '0'], env());
    expect(failed.json()).toMatchObject({
      status: 'error',
      delivered: false,
      week_start: '2025-10-06',
      next_due_at: '2025-10-11T23:30:00.000Z',
      next_due_week_start: '2025-10-06',
      diagnostics: { error_code: 'webhook_failed' },
    });

    const early = await weeklyOverdueAt('2025-10-12T05:00:00Z');
    expect(early.check).toMatchObject({ status: 'pass', details: { hours_late: 5.5 } });

    const late = await weeklyOverdueAt('2025-10-12T06:00:00Z');
    expect(late.check.status).toBe('fail');
    expect(late.failures).toEqual([
      expect.objectContaining({
        error_code: 'weekly_overdue',
        message: expect.stringContaining(
          'the weekly report of 2025-10-06 was due at 2025-10-11T23:30:00.000Z',
        ),
      }),
    ]);
    expect(late.failures[0].message).toContain('6.5 h late');
    expect(late.failures[0].message).toContain('last weekly failure: webhook_failed');

    const retried = await runWeekly(root, ['--now', '2025-10-12T06:15:00Z'], env());
    expect(retried.json()).toMatchObject({
      status: 'ok',
      delivered: true,
      next_due_at: '2025-10-18T23:30:00.000Z',
    });
    const delivered = await weeklyOverdueAt('2025-10-12T06:30:00Z');
    expect(delivered.check).toMatchObject({
      status: 'pass',
      details: { last_delivered_week_start: '2025-10-06', next_due_week_start: '2025-10-13' },
    });
  });
});

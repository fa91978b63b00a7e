import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type SmtpTestServer,
  startSmtpTestServer,
} from '../../packages/automation-core/src/test-support/smtp-test-server.js';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { makeWorkspace } from '../support/cli-process.js';
import {
  bodyOf,
  type JsonDocument,
  readJson,
  readLog,
  receivedAlerts,
  runJob,
  SIGNING_SECRET,
  writeNotificationsConfig,
  writeSampleInputs,
} from './support/notification-workspace.js';

const SMTP_LOGIN = { user: 'obs-mailer', pass: 'smtp-password-9f3c1e77' };
const PORTFOLIO = 'reports/portfolio_summary.json';

/** job_failed of weekly to the webhook and by e-mail, chain_stopped to the webhook; nothing else routed. */
const ROUTING = [
  'delivery: {max_retries: 1, retry_wait_seconds: 0, timeout_seconds: 5}',
  'receivers:',
  '  - name: ops-webhook',
  '    type: generic',
  '    url_env: OBS_TEST_HOOK_URL',
  '    secret_env: OBS_WEBHOOK_SECRET',
  '  - name: oncall-email',
  '    type: email',
  '    smtp:',
  '      host_env: OBS_TEST_SMTP_HOST',
  '      port_env: OBS_TEST_SMTP_PORT',
  '      username_env: OBS_TEST_SMTP_USER',
  '      password_env: OBS_TEST_SMTP_PASSWORD',
  '      tls: {mode: none}',
  '    from: obs-automation@example.com',
  '    to: [oncall@example.com]',
  'routes:',
  '  - match: {job: weekly, event: job_failed}',
  '    receivers: [ops-webhook, oncall-email]',
  '  - match: {event: chain_stopped}',
  '    receivers: [ops-webhook]',
];

describe('notifications of a failing chain (real webhook and SMTP receivers)', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let hook: WebhookTestServer;
  /** where obs-weekly delivers its report */
  let weeklyHook: WebhookTestServer;
  let smtp: SmtpTestServer;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-notify-chain-'));
    hook = await startWebhookTestServer({ path: '/hooks/ops' });
    weeklyHook = await startWebhookTestServer({ path: '/hooks/weekly' });
    smtp = await startSmtpTestServer({ login: SMTP_LOGIN });
    env = {
      OBS_WEEKLY_WEBHOOK_URL: weeklyHook.url,
      OBS_TEST_HOOK_URL: hook.url,
      OBS_WEBHOOK_SECRET: SIGNING_SECRET,
      OBS_TEST_SMTP_HOST: smtp.host,
      OBS_TEST_SMTP_PORT: String(smtp.port),
      OBS_TEST_SMTP_USER: SMTP_LOGIN.user,
      OBS_TEST_SMTP_PASSWORD: SMTP_LOGIN.pass,
    };
    await writeSampleInputs(root);
    await writeNotificationsConfig(root, ROUTING);
  });

  afterEach(async () => {
    await Promise.all([hook.close(), weeklyHook.close(), smtp.close()]);
    await cleanup();
  });

  it('sends one signed job_failed, one e-mail and one chain_stopped, nothing again inside the repeat interval, then one resolved each', async () => {
    await rename(join(root, PORTFOLIO), join(root, `${PORTFOLIO}.away`));
    const failed = await runJob('daily', root, ['--observability'], 0, env);
    expect(failed.exitCode).toBe(1);
    const chain = failed.json();
    expect(chain.diagnostics).toMatchObject({ failed_job: 'weekly', failed_error_code: 'missing_input' });

    expect(receivedAlerts(hook.requests)).toEqual([
      ['weekly:job_failed:missing_input:firing'],
      ['daily:chain_stopped:upstream_failed:firing'],
    ]);
    for (const request of hook.requests) {
      expect(hook.verifySignatures(request, SIGNING_SECRET)).toEqual({
        obsSignature: true,
        standardSignature: true,
      });
    }
    const jobFailed = bodyOf(hook.requests[0]);
    expect(jobFailed).toMatchObject({ schema_version: '1.1.0', job_id: '20251006T120000Z-weekly' });
    expect(jobFailed.alerts[0]).toMatchObject({
      id: 'job_failed',
      severity: 'critical',
      status: 'firing',
      job: 'weekly',
      job_id: '20251006T120000Z-weekly',
      error_code: 'missing_input',
      runbook: 'docs/runbook.md#event-job-failed',
      evidence_path: 'ops/automation_runs.log',
      message: expect.stringContaining(PORTFOLIO),
    });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0] as (typeof smtp.messages)[number];
    expect(mail).toMatchObject({ from: 'obs-automation@example.com', to: ['oncall@example.com'] });
    expect(mail.subject).toContain('[CRITICAL] job_failed (weekly: missing_input)');
    expect(mail.body).toContain('docs/runbook.md#event-job-failed');
    expect(mail.body).toContain('20251006T120000Z-weekly');
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@obs-automation>$/);

    // the weekly entry counts its two deliveries and lists them
    const weekly = (await readLog(root)).find((entry) => entry.job_name === 'weekly') as JsonDocument;
    expect(weekly).toMatchObject({
      status: 'error',
      attempts: 2,
      diagnostics: { error_code: 'missing_input' },
    });
    expect(chain.jobs[1].summary.notifications).toEqual([
      expect.objectContaining({
        receiver: 'ops-webhook',
        type: 'generic',
        delivered: true,
        attempts: 1,
        status_code: 200,
      }),
      expect.objectContaining({
        receiver: 'oncall-email',
        type: 'email',
        delivered: true,
        attempts: 1,
        status_code: 250,
      }),
    ]);
    expect(await readJson(root, 'ops/weekly_report_heartbeat.json')).toMatchObject({
      pending_alerts: 0,
      alert_state: {
        alert_id: 'job_failed',
        severity: 'critical',
        last_notified_at: '2025-10-06T12:00:00.000Z',
      },
    });

    const again = await runJob('daily', root, ['--observability'], 15, env);
    expect(again.exitCode).toBe(1);
    expect(hook.requests).toHaveLength(2);
    expect(smtp.messages).toHaveLength(1);

    await rename(join(root, `${PORTFOLIO}.away`), join(root, PORTFOLIO));
    const good = await runJob('daily', root, ['--observability'], 30, env);
    expect(good.json().jobs.map((job: JsonDocument) => [job.job, job.status])).toEqual([
      ['latency', 'warning'],
      ['weekly', 'ok'],
      ['dashboard', 'ok'],
    ]);
    expect(receivedAlerts(hook.requests).slice(2)).toEqual([
      ['weekly:job_failed:missing_input:resolved'],
      ['daily:chain_stopped:upstream_failed:resolved'],
    ]);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]?.subject).toContain('[RESOLVED] job_failed (weekly: missing_input)');

    await runJob('daily', root, ['--observability'], 45, env);
    expect(hook.requests).toHaveLength(4);
    expect(smtp.messages).toHaveLength(2);
    expect(await readJson(root, 'ops/notifications/weekly.json')).toMatchObject({ alerts: [] });
    const secretSeen = [failed, again, good].some((result) =>
      `${result.stdout}${result.stderr}`.includes(SMTP_LOGIN.pass),
    );
    expect(secretSeen).toBe(false);
  });

  it('rehearses with --dry-run: the notifications that would be sent, nothing sent or marked', async () => {
    await rename(join(root, PORTFOLIO), join(root, `${PORTFOLIO}.away`));
    const dry = await runJob('daily', root, ['--observability', '--dry-run'], 0, env);
    expect(dry.exitCode).toBe(1);
    const weekly = dry.json().jobs[1];
    const file = `out/notifications/${weekly.job_id}.json`;
    expect(weekly.summary.artefacts).toContain(file);
    expect(await readJson(root, file)).toMatchObject({
      job_id: weekly.job_id,
      job: 'weekly',
      notifications: [
        {
          receivers: ['ops-webhook', 'oncall-email'],
          new: true,
          item: { dedup_key: 'weekly:job_failed:missing_input', status: 'firing' },
        },
      ],
    });
    expect(hook.requests).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
    const real = await runJob('daily', root, ['--observability'], 0, env);
    expect(real.exitCode).toBe(1);
    expect(receivedAlerts(hook.requests)[0]).toEqual(['weekly:job_failed:missing_input:firing']);
    expect(smtp.messages).toHaveLength(1);
  });
});

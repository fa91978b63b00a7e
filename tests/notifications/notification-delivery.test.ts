import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type SmtpTestServer,
  startSmtpTestServer,
} from '../../packages/automation-core/src/test-support/smtp-test-server.js';
import {
  bodyOf,
  ONE_RECEIVER,
  readJson,
  readLog,
  receivedAlerts,
  runJob,
  useHookWorkspace,
  writeNotificationsConfig,
} from './support/notification-workspace.js';

const HEARTBEAT = 'ops/latency_job_heartbeat.json';
const BREACH = 'latency:latency_breach:slo_breach';

describe('notification delivery (real HTTP receivers)', () => {
  const workspace = useHookWorkspace('obs-notify-');

  it('keeps a critical SLO alert with no route pending (no_receiver) until a receiver is added, then delivers it once', async () => {
    const { root, hook, env } = workspace;
    const unrouted = await runJob('latency', root, [], 0, env);
    expect(unrouted.exitCode).toBe(0);
    expect(unrouted.json()).toMatchObject({
      status: 'warning',
      alerts: [{ id: 'latency_breach', severity: 'critical' }],
      notifications: [],
      pending_alerts: 1,
      diagnostics: { error_code: 'no_receiver', error_message: expect.stringContaining(BREACH) },
    });
    expect(await readJson(root, HEARTBEAT)).toMatchObject({
      pending_alerts: 1,
      alert_state: {
        severity: 'critical',
        last_notified_at: null,
        pending: [
          { webhook: 'no_receiver', reason: 'no_receiver', alert: { dedup_key: BREACH, status: 'firing' } },
        ],
      },
    });

    const verify = await runJob('verify', root, [], 5);
    expect(verify.exitCode).toBe(1);
    expect(verify.json().failures).toContainEqual({
      check: 'notifications_delivered',
      error_code: 'no_receiver',
      message: expect.stringMatching(
        /^notification latency:latency_breach:slo_breach \(firing, critical\) of obs-latency pending since 2025-10-06T12:00:00\.000Z: no receiver is routed for it$/,
      ),
    });

    await writeNotificationsConfig(root, ONE_RECEIVER);
    const routed = await runJob('latency', root, [], 15, env);
    expect(routed.json()).toMatchObject({ status: 'warning', pending_alerts: 0, attempts: 1 });
    expect(receivedAlerts(hook.requests)).toEqual([[`${BREACH}:firing`]]);
    expect((await readJson(root, HEARTBEAT)).alert_state).toMatchObject({
      last_notified_at: '2025-10-06T12:15:00.000Z',
      pending: [],
    });
    await runJob('latency', root, [], 30, env);
    expect(hook.requests).toHaveLength(1);
    const passing = await runJob('verify', root, ['--check-log', 'ops/automation_runs.log'], 35);
    expect(passing.json().checks).toContainEqual(
      expect.objectContaining({ name: 'notifications_delivered', status: 'pass' }),
    );
  });

  it('carries a latency alert the earlier release notified (heartbeat alert_state) without paging it again', async () => {
    const { root, hook, env } = workspace;
    await writeNotificationsConfig(root, ONE_RECEIVER);
    const legacy = (pending: unknown[]) => ({
      job_id: '20251006T110000Z-latency',
      status: 'warning',
      alert_state: {
        severity: 'critical',
        alert_id: 'latency_breach',
        since: '2025-10-06T10:00:00.000Z',
        last_notified_at: '2025-10-06T11:00:00.000Z',
        dedup_key: 'obs-latency:latency_breach:20251006T100000Z',
        peak_severity: 'critical',
        pending,
      },
    });
    await writeFile(join(root, HEARTBEAT), JSON.stringify(legacy([])));
    const carried = await runJob('latency', root, [], 0, env);
    expect(carried.json()).toMatchObject({ status: 'warning', notifications: [], pending_alerts: 0 });
    expect(hook.requests).toHaveLength(0);
    expect((await readJson(root, 'ops/notifications/latency.json')).alerts).toMatchObject([
      { key: BREACH, since: '2025-10-06T10:00:00.000Z', last_notified_at: '2025-10-06T11:00:00.000Z' },
    ]);
    // its lifecycle goes on: when the data stops, it resolves (and the stale-data alert fires)
    await runJob('latency', root, [], 3 * 60 + 5, env);
    expect(receivedAlerts(hook.requests)).toEqual([
      [`${BREACH}:resolved`, 'latency:latency_data_stale:no_recent_window:firing'],
    ]);

    // one the earlier release never delivered is notified afresh
    await rm(join(root, 'ops/notifications'), { recursive: true });
    await writeFile(
      join(root, HEARTBEAT),
      JSON.stringify(legacy([{ webhook: 'old', alert: { id: 'latency_breach', status: 'firing' } }])),
    );
    await runJob('latency', root, [], 0, env);
    expect(receivedAlerts(hook.requests).at(-1)).toEqual([`${BREACH}:firing`]);
  });

  it('starts afresh from a corrupt notification state, says so, and notifies what still holds', async () => {
    const { root, hook, env } = workspace;
    await writeNotificationsConfig(root, ONE_RECEIVER);
    await mkdir(join(root, 'ops/notifications'), { recursive: true });
    await writeFile(join(root, 'ops/notifications/latency.json'), '{"schema_version": 1, "alerts": [');
    const verify = await runJob('verify', root, ['--heartbeat', HEARTBEAT], 0);
    expect(verify.json().failures).toContainEqual(
      expect.objectContaining({ check: 'notifications_delivered', error_code: 'notification_state_corrupt' }),
    );
    const result = await runJob('latency', root, [], 0, env);
    expect(result.json()).toMatchObject({
      status: 'warning',
      diagnostics: {
        notification_warnings: [
          expect.stringMatching(
            /^notification state ops\/notifications\/latency\.json is corrupt \(.+\); started afresh$/,
          ),
        ],
      },
    });
    expect(receivedAlerts(hook.requests)).toEqual([[`${BREACH}:firing`]]);
    expect((await readJson(root, 'ops/notifications/latency.json')).alerts).toHaveLength(1);
  });

  it('delivers once when a receiver that was down for three runs comes back, counting every attempt in the log', async () => {
    const { root, hook, env } = workspace;
    await writeNotificationsConfig(root, ONE_RECEIVER);
    // max_retries 1: two attempts per run, three runs down
    hook.enqueue(...Array.from({ length: 6 }, () => ({ status: 503 })));
    for (const minutes of [0, 15, 30]) {
      const down = await runJob('latency', root, [], minutes, env);
      expect(down.exitCode).toBe(1);
      expect(down.json()).toMatchObject({
        status: 'error',
        attempts: 2,
        pending_alerts: 1,
        notifications: [{ receiver: 'ops-webhook', delivered: false, attempts: 2, status_code: 503 }],
        diagnostics: {
          error_code: 'alert_delivery_failed',
          error_message: expect.stringContaining('ops-webhook'),
        },
      });
    }
    const up = await runJob('latency', root, [], 45, env);
    expect(up.exitCode).toBe(0);
    expect(up.json()).toMatchObject({ status: 'warning', attempts: 1, pending_alerts: 0 });
    const delivered = hook.requests.slice(6);
    expect(receivedAlerts(delivered)).toEqual([[`${BREACH}:firing`]]);
    // the same message each time: receivers deduplicate on webhook-id
    expect(new Set(hook.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    const latencyEntries = (await readLog(root)).filter((entry) => entry.job_name === 'latency');
    expect(latencyEntries.map((entry) => [entry.status, entry.attempts])).toEqual([
      ['error', 2],
      ['error', 2],
      ['error', 2],
      ['warning', 1],
    ]);
    await runJob('latency', root, [], 50, env);
    expect(receivedAlerts(hook.requests.slice(7))).toEqual([]);
  });

  it('raises job_skipped_repeatedly after four runs skipped for a held lock, and resolves it on the next run', async () => {
    const { root, hook, env } = workspace;
    await writeNotificationsConfig(root, [
      ...ONE_RECEIVER.slice(0, -1),
      'routes:',
      '  - match: {event: job_skipped_repeatedly}',
      '    receivers: [ops-webhook]',
    ]);
    await mkdir(join(root, 'ops/.latency.lock'), { recursive: true });
    for (const minutes of [0, 15, 30]) {
      const skipped = await runJob('latency', root, [], minutes, env);
      expect(skipped.json()).toMatchObject({ status: 'skipped', attempts: 0 });
    }
    expect(hook.requests).toHaveLength(0);
    const fourth = await runJob('latency', root, [], 45, env);
    expect(fourth.json()).toMatchObject({
      status: 'skipped',
      attempts: 1,
      diagnostics: { error_code: 'lock_not_acquired' },
      notifications: [{ receiver: 'ops-webhook', delivered: true }],
    });
    const body = bodyOf(hook.requests[0]);
    expect(body.alerts[0]).toMatchObject({
      id: 'job_skipped_repeatedly',
      severity: 'warning',
      dedup_key: 'latency:job_skipped_repeatedly:lock_not_acquired',
      message: expect.stringContaining('skipped 4 runs in a row'),
    });
    await runJob('latency', root, [], 60, env);
    expect(hook.requests).toHaveLength(1);

    await rm(join(root, 'ops/.latency.lock'), { recursive: true });
    await runJob('latency', root, [], 75, env);
    expect(receivedAlerts(hook.requests.slice(1))).toEqual([
      ['latency:job_skipped_repeatedly:lock_not_acquired:resolved'],
    ]);
  });

  it('raises verification_failed for a stale heartbeat, and resolves it when verify passes', async () => {
    const { root, hook, env } = workspace;
    await writeNotificationsConfig(root, ONE_RECEIVER);
    await runJob('latency', root, [], 0, env);
    await runJob('dashboard', root, [], 1, env);
    expect(receivedAlerts(hook.requests)).toEqual([[`${BREACH}:firing`]]);
    const stale = await runJob('verify', root, ['--heartbeat', HEARTBEAT], 7 * 60, env);
    expect(stale.exitCode).toBe(1);
    const raised = bodyOf(hook.requests[1]);
    expect(raised.alerts[0]).toMatchObject({
      id: 'verification_failed',
      status: 'firing',
      dedup_key: 'verify:verification_failed:verification_failed',
      message: expect.stringContaining('heartbeat_stale'),
    });
    const fresh = await runJob('verify', root, ['--heartbeat', HEARTBEAT], 60, env);
    expect(fresh.json().failures).toEqual([]);
    expect(receivedAlerts(hook.requests.slice(2))).toEqual([
      ['verify:verification_failed:verification_failed:resolved'],
    ]);
    expect(await readdir(join(root, 'ops/notifications'))).toEqual(
      expect.arrayContaining(['latency.json', 'verify.json']),
    );
  });
});

describe('e-mail over STARTTLS (real SMTP server)', () => {
  const workspace = useHookWorkspace('obs-notify-tls-');
  let smtp: SmtpTestServer;

  beforeEach(async () => {
    smtp = await startSmtpTestServer({
      starttls: true,
      login: { user: 'mailer', pass: 'tls-password-0042' },
    });
  });

  afterEach(async () => {
    await smtp.close();
  });

  const emailReceiver = (rejectUnauthorized: boolean) => [
    'delivery: {max_retries: 0}',
    'receivers:',
    '  - name: oncall-email',
    '    type: email',
    '    smtp:',
    '      host_env: OBS_TEST_SMTP_HOST',
    '      port_env: OBS_TEST_SMTP_PORT',
    '      username_env: OBS_TEST_SMTP_USER',
    '      password_env: OBS_TEST_SMTP_PASSWORD',
    `      tls: {mode: starttls, reject_unauthorized: ${rejectUnauthorized}}`,
    '    from: obs@example.com',
    '    to: [oncall@example.com, second@example.com]',
    'default_route: {receivers: [oncall-email]}',
  ];
  const smtpEnv = () => ({
    OBS_TEST_SMTP_HOST: smtp.host,
    OBS_TEST_SMTP_PORT: String(smtp.port),
    OBS_TEST_SMTP_USER: 'mailer',
    OBS_TEST_SMTP_PASSWORD: 'tls-password-0042',
  });

  it('upgrades the connection and logs in before sending the alert', async () => {
    await writeNotificationsConfig(workspace.root, emailReceiver(false));
    const result = await runJob('latency', workspace.root, [], 0, smtpEnv());
    expect(result.json()).toMatchObject({
      status: 'warning',
      notifications: [
        { receiver: 'oncall-email', type: 'email', delivered: true, attempts: 1, status_code: 250 },
      ],
    });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.to).toEqual(['oncall@example.com', 'second@example.com']);
    expect(smtp.messages[0]?.subject).toContain('[CRITICAL] latency_breach (latency: slo_breach)');
  });

  it('refuses a certificate it cannot verify: nothing sent, the alert stays pending', async () => {
    await writeNotificationsConfig(workspace.root, emailReceiver(true));
    const result = await runJob('latency', workspace.root, [], 0, smtpEnv());
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      pending_alerts: 1,
      notifications: [{ receiver: 'oncall-email', delivered: false, error_code: 'email_failed' }],
      diagnostics: { error_code: 'alert_delivery_failed' },
    });
    expect(result.stdout).not.toContain('tls-password-0042');
    expect(smtp.messages).toHaveLength(0);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { makeWorkspace, REPO_ROOT } from '../support/cli-process.js';
import {
  type JsonDocument,
  NOTIFICATIONS,
  receivedAlerts,
  runJob,
  writeNotificationsConfig,
  writeSampleInputs,
} from './support/notification-workspace.js';

const RECEIVERS = [
  'receivers:',
  '  - {name: ops-webhook, type: generic, url_env: OBS_TEST_HOOK_URL, secret_env: OBS_WEBHOOK_SECRET}',
  '  - {name: oncall-pagerduty, type: pagerduty, url_env: OBS_TEST_PD_URL, secret_env: OBS_TEST_PD_KEY}',
  '  - {name: team-slack, type: slack, url_env: OBS_TEST_SLACK_URL}',
  'routes:',
  '  - match: {event: [latency_breach], min_severity: critical}',
  '    receivers: [oncall-pagerduty]',
  '    continue: true',
  '  - match: {job: [latency, weekly]}',
  '    receivers: [team-slack]',
  'default_route: {receivers: [ops-webhook]}',
];

describe('notifications.yaml', () => {
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-notify-config-'));
  });

  afterEach(async () => {
    await cleanup();
  });

  const BAD_CONFIGS: [string, string[], string][] = [
    ['an unknown receiver type', ['receivers: [{name: a, type: teams, url_env: X}]'], 'receivers.0.type'],
    [
      'a route to a missing receiver',
      ['receivers: [{name: a, type: slack, url_env: X}]', 'routes: [{receivers: [a, b]}]'],
      'routes.0.receivers.1',
    ],
    [
      'an empty environment variable name',
      ['receivers: [{name: a, type: generic, url_env: ""}]'],
      'receivers.0.url_env',
    ],
    [
      'an invalid e-mail address',
      ['receivers: [{name: a, type: email, smtp: {host_env: H}, from: ops@example.com, to: [oncall]}]'],
      'receivers.0.to.0',
    ],
    [
      'duplicate receiver names',
      ['receivers: [{name: a, type: slack, url_env: X}, {name: a, type: slack, url_env: Y}]'],
      'receivers.1.name',
    ],
    ['an unknown key', ['repeat_intervall: 4h'], 'repeat_intervall'],
    [
      'a default route to a missing receiver',
      ['default_route: {receivers: [nobody]}'],
      'default_route.receivers.0',
    ],
  ];

  for (const [what, lines, key] of BAD_CONFIGS) {
    it(`exits 2 naming ${key} for ${what}`, async () => {
      await writeNotificationsConfig(root, lines);
      for (const job of ['latency', 'daily'] as const) {
        const result = await runJob(job, root, job === 'daily' ? ['--observability'] : [], 0);
        expect(result.exitCode).toBe(2);
        expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_config' });
        expect(result.stderr).toContain(`${join(root, NOTIFICATIONS)}: key ${key}:`);
      }
    });
  }

  it('takes its path from --notifications-config, else OBS_NOTIFICATIONS_CONFIG; a named file must exist', async () => {
    await mkdir(join(root, 'elsewhere'), { recursive: true });
    await writeFile(join(root, 'elsewhere/routing.yaml'), 'repeat_interval: 30m\n');
    const byFlag = await runJob(
      'weekly',
      root,
      ['--config-dump', '--notifications-config', 'elsewhere/routing.yaml'],
      0,
    );
    expect(byFlag.json().notifications).toMatchObject({
      config_path: join(root, 'elsewhere/routing.yaml'),
      config_exists: true,
      repeat_interval: '30m',
    });
    const byEnv = await runJob('weekly', root, ['--config-dump'], 0, {
      OBS_NOTIFICATIONS_CONFIG: 'elsewhere/routing.yaml',
    });
    expect(byEnv.json().notifications.repeat_interval).toBe('30m');
    const missing = await runJob('weekly', root, ['--config-dump'], 0, {
      OBS_NOTIFICATIONS_CONFIG: 'nope.yaml',
    });
    expect(missing.exitCode).toBe(2);
    const absent = await runJob('weekly', root, ['--config-dump'], 0);
    expect(absent.json().notifications).toMatchObject({
      config_exists: false,
      repeat_interval: '4h',
      skipped_runs_threshold: 4,
      receivers: [],
      routes: [],
      default_route: null,
    });
  });

  it('--config-dump shows every receiver with its variables (set or not, never their values) and the SLO thresholds', async () => {
    await writeNotificationsConfig(root, RECEIVERS);
    await mkdir(join(root, 'configs/observability'), { recursive: true });
    await writeFile(
      join(root, 'configs/observability/latency_alert.yaml'),
      'slo_p95_ms: 4000\ncritical_threshold: 4\nwebhooks:\n  - {name: legacy-hook, url_env: LEGACY_URL, min_severity: critical}\n',
    );
    const secretUrl = 'https://hooks.example.com/services/T000/B000/very-secret-token';
    const latency = await runJob('latency', root, ['--config-dump'], 0, {
      OBS_TEST_PD_KEY: 'routing-key-0123',
      LEGACY_URL: secretUrl,
    });
    expect(latency.exitCode).toBe(0);
    expect(latency.stdout).not.toContain('very-secret-token');
    expect(latency.stdout).not.toContain('routing-key-0123');
    const dump = latency.json();
    expect(dump.alert).toMatchObject({
      slo_p95_ms: 4000,
      warning_threshold: 2,
      critical_threshold: 4,
      failure_rate_threshold: 0.01,
      webhooks: [{ name: 'legacy-hook', format: 'generic', min_severity: 'critical' }],
    });
    expect(
      dump.notifications.receivers.map((receiver: JsonDocument) => [receiver.name, receiver.type]),
    ).toEqual([
      ['legacy-hook', 'generic'],
      ['ops-webhook', 'generic'],
      ['oncall-pagerduty', 'pagerduty'],
      ['team-slack', 'slack'],
    ]);
    expect(dump.notifications.receivers[0]).toMatchObject({
      source: `${join(root, 'configs/observability/latency_alert.yaml')} webhooks`,
      url_env: { env: 'LEGACY_URL', set: true },
    });
    expect(dump.notifications.receivers[2]).toMatchObject({
      url_env: { env: 'OBS_TEST_PD_URL', set: false },
      secret_env: { env: 'OBS_TEST_PD_KEY', set: true },
    });
    expect(dump.notifications.routes[0]).toMatchObject({
      match: { job: ['latency'], event: ['latency_breach', 'latency_data_stale'], min_severity: 'critical' },
      receivers: ['legacy-hook'],
      continue: true,
    });

    const chain = (await runJob('daily', root, ['--observability', '--config-dump'], 0)).json();
    expect(chain.chain.notifications.receivers).toHaveLength(3);
    expect(chain.jobs.latency.notifications.receivers).toHaveLength(4);
    expect(chain.jobs.weekly.notifications.default_route).toEqual({ receivers: ['ops-webhook'] });
  });

  it('loads the commented example configs shipped in configs/observability/', async () => {
    const examples = join(REPO_ROOT, 'configs/observability');
    const result = await runJob(
      'latency',
      root,
      [
        '--config-dump',
        '--notifications-config',
        join(examples, 'notifications.example.yaml'),
        '--alert-config',
        join(examples, 'latency_alert.example.yaml'),
      ],
      0,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const dump = result.json();
    expect(dump.alert).toMatchObject({
      slo_p95_ms: 5000,
      critical_threshold: 3,
      repeat_interval_minutes: 240,
    });
    expect(dump.notifications.receivers.map((receiver: JsonDocument) => receiver.name)).toEqual([
      'ops-latency',
      'oncall-latency',
      'ops-webhook',
      'team-slack',
      'oncall-pagerduty',
      'oncall-email',
    ]);
  });

  it('refuses a receiver whose name a latency_alert.yaml webhook already has', async () => {
    await writeNotificationsConfig(root, ['receivers: [{name: legacy-hook, type: slack, url_env: X}]']);
    await mkdir(join(root, 'configs/observability'), { recursive: true });
    await writeFile(
      join(root, 'configs/observability/latency_alert.yaml'),
      'webhooks:\n  - {name: legacy-hook, url_env: LEGACY_URL}\n',
    );
    const result = await runJob('latency', root, ['--config-dump'], 0);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('receiver name "legacy-hook" is also a webhook of');
  });
});

describe('routing to PagerDuty and Slack (real HTTP receivers)', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let hook: WebhookTestServer;
  let pagerduty: WebhookTestServer;
  let slack: WebhookTestServer;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-notify-formats-'));
    hook = await startWebhookTestServer({ path: '/hooks/ops' });
    pagerduty = await startWebhookTestServer({
      path: '/v2/enqueue',
      defaultResponse: { status: 202, body: '{}' },
    });
    slack = await startWebhookTestServer({ path: '/services/T0/B0/x' });
    await writeSampleInputs(root);
    await writeNotificationsConfig(root, ['delivery: {max_retries: 0}', ...RECEIVERS]);
  });

  afterEach(async () => {
    await Promise.all([hook.close(), pagerduty.close(), slack.close()]);
    await cleanup();
  });

  it('pages a critical SLO breach (continue), posts it to Slack, and sends a weekly failure to Slack only', async () => {
    const env = {
      OBS_TEST_HOOK_URL: hook.url,
      OBS_WEBHOOK_SECRET: 'notification-config-signing-secret-000000',
      OBS_TEST_PD_URL: pagerduty.url,
      OBS_TEST_PD_KEY: 'R0UT1NGKEY000000000000000000000',
      OBS_TEST_SLACK_URL: slack.url,
    };
    await runJob('latency', root, [], 0, env);
    await runJob('weekly', root, [], 1, env);
    const events = pagerduty.requests.map(
      (request) => JSON.parse(request.body.toString('utf8')) as JsonDocument,
    );
    expect(events).toMatchObject([
      {
        routing_key: env.OBS_TEST_PD_KEY,
        event_action: 'trigger',
        dedup_key: 'latency:latency_breach:slo_breach',
        payload: { severity: 'critical', source: 'obs-latency', class: 'latency_breach' },
      },
    ]);
    const messages = slack.requests.map(
      (request) => JSON.parse(request.body.toString('utf8')) as JsonDocument,
    );
    expect(messages.map((message) => message.text)).toEqual([
      expect.stringMatching(
        /^\[CRITICAL\] latency_breach \(latency: slo_breach\): signal latency SLO breached/,
      ),
      expect.stringMatching(
        /^\[CRITICAL\] job_failed \(weekly: missing_secret\): .*OBS_WEEKLY_WEBHOOK_URL is not set$/,
      ),
    ]);
    expect(messages[1]?.blocks.map((block: JsonDocument) => block.type)).toEqual(['section', 'context']);
    // weekly's failure matched the slack route: not the default route
    expect(receivedAlerts(hook.requests)).toEqual([]);
  });
});

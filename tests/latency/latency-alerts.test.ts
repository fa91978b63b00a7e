import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { makeWorkspace } from '../support/cli-process.js';
import {
  HEARTBEAT,
  HOUR,
  type JsonDocument,
  MINUTE,
  readJson,
  readJsonLines,
  runLatency,
  series,
  writeRaw,
  writeText,
} from './latency-run.js';

const T0 = Date.parse('2026-07-06T00:00:00Z');
const GENERIC_SECRET = 'latency-generic-signing-secret-5b1e';
const ROUTING_KEY = 'R0UT1NGKEYpagerduty0000000000000';
const ALERT_CONFIG = `
slo_p95_ms: 1000
warning_threshold: 2
critical_threshold: 3
failure_rate_threshold: 0.5
repeat_interval_minutes: 240
backoff_seconds: 0
max_retries: 1
webhooks:
  - name: ops-generic
    url_env: LAT_GENERIC_URL
    secret_env: LAT_GENERIC_SECRET
    format: generic
    min_severity: warning
  - name: oncall-pagerduty
    url_env: LAT_PD_URL
    secret_env: LAT_PD_ROUTING_KEY
    format: pagerduty
    min_severity: warning
`;

/** Five hours of 5-minute samples; hours 1–3 are far over the 1000 ms SLO. */
const EPISODE = series(T0, T0 + 5 * HOUR, 5, (at) => {
  const hour = Math.floor((at - T0) / HOUR);
  return hour >= 1 && hour <= 3 ? 3000 : 100;
});

const clock = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString().replace('.000', '');

describe('obs-latency alert notifications (real HTTP receivers)', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let generic: WebhookTestServer;
  let pagerduty: WebhookTestServer;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-alerts-'));
    generic = await startWebhookTestServer({ path: '/hooks/latency' });
    pagerduty = await startWebhookTestServer({
      path: '/v2/enqueue',
      defaultResponse: { status: 202, body: '{"status":"success"}' },
    });
    env = {
      LAT_GENERIC_URL: generic.url,
      LAT_GENERIC_SECRET: GENERIC_SECRET,
      LAT_PD_URL: pagerduty.url,
      LAT_PD_ROUTING_KEY: ROUTING_KEY,
    };
    await writeText(root, 'configs/observability/latency_alert.yaml', ALERT_CONFIG);
    await writeRaw(root, EPISODE);
  });

  afterEach(async () => {
    await Promise.all([generic.close(), pagerduty.close()]);
    await cleanup();
  });

  const bodies = (server: WebhookTestServer) =>
    server.requests.map((request) => JSON.parse(request.body.toString('utf8')) as JsonDocument);

  it('sends warning, then critical, then resolved over a three-hour breach, and nothing twice', async () => {
    const quiet = await runLatency(root, ['--now', clock(2 * 60 + 5)], env);
    expect(quiet.json()).toMatchObject({ status: 'ok', breach_streak: 1 });
    expect(generic.requests).toHaveLength(0);

    const warning = await runLatency(root, ['--now', clock(3 * 60 + 5)], env);
    expect(warning.exitCode).toBe(0);
    expect(warning.json()).toMatchObject({
      status: 'warning',
      breach_streak: 2,
      pending_alerts: 0,
      alerts: [{ id: 'latency_breach', severity: 'warning' }],
    });
    const rerun = await runLatency(root, ['--now', clock(3 * 60 + 5)], env);
    expect(rerun.json()).toMatchObject({ status: 'warning', notifications: [] });

    const critical = await runLatency(root, ['--now', clock(4 * 60 + 5)], env);
    expect(critical.json()).toMatchObject({
      status: 'warning',
      breach_streak: 3,
      alerts: [{ severity: 'critical' }],
    });
    const resolved = await runLatency(root, ['--now', clock(5 * 60 + 5)], env);
    expect(resolved.json()).toMatchObject({ status: 'ok', breach_streak: 0, alerts: [] });

    const sent = bodies(generic);
    expect(
      sent.map((body) => body.alerts.map((alert: JsonDocument) => `${alert.severity}:${alert.status}`)),
    ).toEqual([['warning:firing'], ['critical:firing'], ['critical:resolved']]);
    expect(sent[0]).toMatchObject({ schema_version: '1.1.0', job_id: warning.json().job_id });
    expect(sent[1]?.alerts[0]).toEqual({
      job: 'latency',
      job_id: critical.json().job_id,
      error_code: 'slo_breach',
      runbook: 'docs/runbook.md#event-latency-breach',
      since: '2026-07-06T03:05:00.000Z',
      id: 'latency_breach',
      severity: 'critical',
      message: expect.stringContaining('3 consecutive 1h windows'),
      breach_range: { start: '2026-07-06T01:00:00Z', end: '2026-07-06T04:00:00Z' },
      evidence_path: 'ops/signal_latency_rollup.csv',
      p95_ms: 3000,
      threshold_ms: 1000,
      failure_rate: 0,
      breach_streak: 3,
      dedup_key: sent[0]?.alerts[0].dedup_key,
      status: 'firing',
    });
    for (const request of generic.requests) {
      expect(generic.verifySignatures(request, GENERIC_SECRET)).toEqual({
        obsSignature: true,
        standardSignature: true,
      });
    }

    const events = bodies(pagerduty);
    expect(events.map((event) => `${event.event_action}:${event.payload.severity}`)).toEqual([
      'trigger:warning',
      'trigger:critical',
      'resolve:critical',
    ]);
    expect(new Set(events.map((event) => event.dedup_key)).size).toBe(1);
    expect(events[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: {
        summary: expect.stringContaining('SLO breached'),
        source: 'obs-latency',
        custom_details: { p95_ms: 3000, threshold_ms: 1000, breach_streak: 2 },
      },
    });
    expect(pagerduty.requests[0]?.headers['x-obs-signature']).toBeUndefined();

    const heartbeat = await readJson(root, HEARTBEAT);
    expect(heartbeat).toMatchObject({
      status: 'ok',
      breach_streak: 0,
      pending_alerts: 0,
      last_breach_at: '2026-07-06T04:00:00Z',
      next_run_at: '2026-07-06T05:20:00.000Z',
      alert_state: { severity: 'none', dedup_key: null, pending: [] },
    });
    const secretsSeen = [quiet, warning, rerun, critical, resolved].some((result) =>
      `${result.stdout}${result.stderr}`.includes(GENERIC_SECRET),
    );
    expect(secretsSeen).toBe(false);
    for (const file of await readdir(join(root, 'ops'), { recursive: true })) {
      const text = await readFile(join(root, 'ops', file)).catch(() => Buffer.alloc(0));
      expect(text.includes(GENERIC_SECRET) || text.includes(ROUTING_KEY) || text.includes(generic.url)).toBe(
        false,
      );
    }
  });

  it('--dry-run-alert writes the payload, sends nothing and leaves the alert state for the real run', async () => {
    const dry = await runLatency(root, ['--now', clock(3 * 60 + 5), '--dry-run-alert'], env);
    expect(dry.exitCode).toBe(0);
    const summary = dry.json();
    expect(summary.status).toBe('dry_run');
    const payloadPath = `out/latency_alerts/${summary.job_id}.json`;
    expect(summary.artefacts).toContain(payloadPath);
    expect(await readJson(root, payloadPath)).toMatchObject({
      schema_version: '1.1.0',
      job_id: summary.job_id,
      alerts: [{ id: 'latency_breach', severity: 'warning', status: 'firing', breach_streak: 2 }],
    });
    expect(generic.requests).toHaveLength(0);
    expect(pagerduty.requests).toHaveLength(0);
    expect((await readJson(root, HEARTBEAT)).alert_state).toMatchObject({ severity: 'none' });
    const log = await readJsonLines(root, 'ops/automation_runs.log');
    expect(log.at(-1)).toMatchObject({ status: 'dry_run', job_id: summary.job_id });

    const real = await runLatency(root, ['--now', clock(3 * 60 + 5)], env);
    expect(real.json().status).toBe('warning');
    expect(generic.requests).toHaveLength(1);
  });

  it('keeps an undelivered alert pending, fails the run, and delivers it on the next run', async () => {
    generic.enqueue({ status: 500 }, { status: 500 });
    const failed = await runLatency(root, ['--now', clock(3 * 60 + 5)], env);
    expect(failed.exitCode).toBe(1);
    expect(failed.json()).toMatchObject({
      status: 'error',
      pending_alerts: 1,
      notifications: [
        {
          receiver: 'ops-generic',
          type: 'generic',
          delivered: false,
          attempts: 2,
          status_code: 500,
          error_code: 'webhook_failed',
        },
        { receiver: 'oncall-pagerduty', type: 'pagerduty', delivered: true, attempts: 1, status_code: 202 },
      ],
      diagnostics: {
        error_code: 'alert_delivery_failed',
        error_message: expect.stringContaining('ops-generic'),
      },
    });
    expect(await readJson(root, HEARTBEAT)).toMatchObject({
      status: 'error',
      pending_alerts: 1,
      alert_state: { severity: 'warning', pending: [{ webhook: 'ops-generic', attempts: 2 }] },
    });

    const retried = await runLatency(root, ['--now', clock(3 * 60 + 20)], env);
    expect(retried.exitCode).toBe(0);
    expect(retried.json()).toMatchObject({ status: 'warning', pending_alerts: 0 });
    expect(generic.requests).toHaveLength(3);
    const [first, , third] = generic.requests;
    expect(third?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(JSON.parse(third?.body.toString('utf8') ?? '{}').alerts[0]).toMatchObject({
      severity: 'warning',
      status: 'firing',
    });
    expect(pagerduty.requests).toHaveLength(1);
  });

  it('fails delivery naming the unset environment variable, without sending unsigned', async () => {
    const { LAT_GENERIC_SECRET: _unset, ...withoutSecret } = env;
    const result = await runLatency(root, ['--now', clock(3 * 60 + 5)], withoutSecret);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      status: 'error',
      pending_alerts: 1,
      notifications: [
        {
          receiver: 'ops-generic',
          delivered: false,
          attempts: 0,
          error_code: 'invalid_receiver',
          error_message:
            'environment variable LAT_GENERIC_SECRET (secret_env of receiver ops-generic) is not set',
        },
        { receiver: 'oncall-pagerduty', delivered: true },
      ],
      diagnostics: { error_code: 'alert_delivery_failed' },
    });
    expect(generic.requests).toHaveLength(0);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import { RAW, readText, runLatency, writeText } from './latency-run.js';

const NOW = '2026-07-06T00:30:00Z';

describe('obs-latency HTTP probe sources', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-probes-'));
    seen.length = 0;
    server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url?.startsWith('/hang')) return;
      if (request.url?.startsWith('/down')) {
        response.writeHead(503);
        response.end('maintenance');
        return;
      }
      setTimeout(() => response.end('ok'), 40);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cleanup();
  });

  it('measures each source once and appends a sample with status and detail', async () => {
    await writeText(
      root,
      'configs/observability/latency.yaml',
      [
        'schedule_minutes: 5',
        'sources:',
        `  - { name: api, type: http, url: "${base}/health" }`,
        `  - { name: head-check, type: http, url: "${base}/health", method: HEAD }`,
        `  - { name: maintenance, type: http, url: "${base}/down" }`,
        `  - { name: expects-503, type: http, url: "${base}/down", expect_status: 503 }`,
        `  - { name: stuck, type: http, url: "${base}/hang", timeout_ms: 300 }`,
        '  - { name: secret-url, type: http, url_env: LAT_PROBE_URL }',
        '  - { name: unset-url, type: http, url_env: LAT_PROBE_UNSET }',
      ].join('\n'),
    );
    const result = await runLatency(root, ['--now', NOW], {
      LAT_PROBE_URL: `${base}/health?token=s3cr3t-probe`,
    });
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({ samples_written: 7, samples_analyzed: 7 });
    expect(summary.artefacts).toContain(RAW);
    expect(summary.diagnostics.secrets_read).toEqual(
      expect.arrayContaining(['LAT_PROBE_URL', 'LAT_PROBE_UNSET']),
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cr3t-probe');

    const rows = (await readText(root, RAW)).trim().split('\n');
    expect(rows[0]).toBe('timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail');
    const bySource = Object.fromEntries(
      rows.slice(1).map((line) => {
        const [timestamp, source, latency, ingest, status, detail] = line.split(',');
        return [source, { timestamp, latency: Number(latency), ingest: Number(ingest), status, detail }];
      }),
    );
    expect(bySource.api).toMatchObject({ status: 'success', detail: '200' });
    expect(bySource.api?.latency).toBeGreaterThanOrEqual(30);
    expect(bySource['head-check']).toMatchObject({ status: 'success', detail: '200' });
    expect(bySource.maintenance).toMatchObject({ status: 'error', detail: '503' });
    expect(bySource['expects-503']).toMatchObject({ status: 'success', detail: '503' });
    expect(bySource.stuck).toMatchObject({ status: 'timeout', detail: 'no complete response within 300 ms' });
    expect(bySource.stuck?.latency).toBeGreaterThanOrEqual(290);
    expect(bySource['secret-url']).toMatchObject({ status: 'success', detail: '200' });
    expect(bySource['unset-url']).toMatchObject({ status: 'error', detail: 'LAT_PROBE_UNSET is not set' });
    for (const sample of Object.values(bySource)) {
      expect(Date.parse(sample.timestamp as string)).toBeGreaterThanOrEqual(Date.parse(NOW));
      expect(sample.ingest).toBeGreaterThanOrEqual(sample.latency);
    }
    expect(seen).toContain('HEAD /health');
    expect(
      (await readText(root, 'ops/latency_job_heartbeat.json')).includes(
        '"next_run_at": "2026-07-06T00:35:00.000Z"',
      ),
    ).toBe(true);
    expect(await readText(root, RAW)).not.toContain('s3cr3t-probe');
  });
});

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, makeWorkspace } from '../support/cli-process.js';
import {
  HEADER,
  HOUR,
  MANIFEST,
  MINUTE,
  RAW,
  readJsonLines,
  readText,
  runLatency,
  runRecord,
  storedRows,
  writeText,
} from './latency-run.js';

const NOW = '2026-07-06T06:00:00Z';
const NOW_MS = Date.parse(NOW);

/** A probe target that answers after `delayMs`, so a job holds its lock for at least that long. */
async function slowServer(
  delayMs: number,
): Promise<{ url: string; requested: Promise<void>; close: () => Promise<void> }> {
  let onRequest: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => {
    onRequest = resolve;
  });
  const server: Server = createServer((_request, response) => {
    onRequest();
    setTimeout(() => response.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('obs-latency under concurrency', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-latency-concurrency-'));
  });
  afterEach(async () => cleanup());

  it('accounts for all 10,000 samples fed by record while the job rotates repeatedly', async () => {
    const processes = 5;
    const batches = 4;
    const perBatch = 500;
    const batchLines = (worker: number, batch: number) =>
      Array.from({ length: perBatch }, (_, index) => {
        const id = (worker * batches + batch) * perBatch + index;
        // Spread over the five hours before now, so closed windows exist to rotate.
        const at = new Date(NOW_MS - 5 * HOUR + ((id * 7919) % (5 * 60)) * MINUTE).toISOString();
        return JSON.stringify({
          source: `feeder-${worker}`,
          latency_ms: id % 900,
          detail: `sample-${id}`,
          timestamp: at,
        });
      }).join('\n');

    let feeding = true;
    const feeders = Array.from({ length: processes }, async (_, worker) => {
      for (let batch = 0; batch < batches; batch += 1) {
        const result = await runRecord(root, ['--from-jsonl', '-', '--now', NOW], {
          input: `${batchLines(worker, batch)}\n`,
        });
        expect(result.json()).toMatchObject({ status: 'ok', samples_written: perBatch });
      }
    });
    const jobRuns: string[] = [];
    const jobs = (async () => {
      for (let run = 0; feeding || run < 2; run += 1) {
        const jobId = `20260706T06${String(run).padStart(4, '0')}Z-latency`;
        const result = await runLatency(root, ['--now', NOW, '--job-id', jobId, '--max-raw-bytes', '20000']);
        expect(result.exitCode).toBe(0);
        jobRuns.push(result.json().status);
      }
    })();
    await Promise.all(feeders);
    feeding = false;
    await jobs;
    const final = await runLatency(root, [
      '--now',
      NOW,
      '--job-id',
      '20260706T065959Z-latency',
      '--max-raw-bytes',
      '20000',
    ]);
    expect(final.exitCode).toBe(0);

    expect(jobRuns.length).toBeGreaterThanOrEqual(2);
    const rows = await storedRows(root);
    const ids = rows.map((row) => row.split(',')[5]);
    expect(ids).toHaveLength(processes * batches * perBatch);
    expect(new Set(ids).size).toBe(processes * batches * perBatch);
    // The job rotated several times while the feeders were writing.
    expect((await readJsonLines(root, MANIFEST)).length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('runs one of two simultaneous jobs and skips the other with lock_not_acquired', async () => {
    const server = await slowServer(1500);
    try {
      await writeText(
        root,
        'configs/observability/latency.yaml',
        `sources:\n  - name: slow-endpoint\n    type: http\n    url: ${server.url}\n    timeout_ms: 5000\n`,
      );
      await writeText(root, RAW, `${HEADER}\n`);
      const first = runLatency(root, ['--now', NOW]);
      await server.requested;
      const second = await runLatency(root, ['--now', NOW]);
      const firstResult = await first;
      expect(second.exitCode).toBe(0);
      expect(second.json()).toMatchObject({
        status: 'skipped',
        diagnostics: { error_code: 'lock_not_acquired' },
      });
      expect(firstResult.exitCode).toBe(0);
      expect(firstResult.json()).toMatchObject({ samples_written: 1 });
      expect(['ok', 'warning']).toContain(firstResult.json().status);
    } finally {
      await server.close();
    }
  });

  it('record waits for the lock while a job holds it, and gives up after --lock-wait-seconds', async () => {
    // long enough that the patient record still finds the lock held after the impatient one has
    // run, on a loaded machine too (with 2 s it once found it free after 31 ms)
    const server = await slowServer(4000);
    try {
      await writeText(
        root,
        'configs/observability/latency.yaml',
        `sources:\n  - name: slow-endpoint\n    type: http\n    url: ${server.url}\n`,
      );
      const job = runLatency(root, ['--now', NOW]);
      await server.requested;
      const impatient = await runRecord(root, [
        '--source',
        'a',
        '--latency-ms',
        '1',
        '--lock-wait-seconds',
        '0.2',
      ]);
      expect(impatient.exitCode).toBe(1);
      expect(impatient.json()).toMatchObject({
        status: 'error',
        diagnostics: { error_code: 'lock_timeout' },
      });
      const patient = await runRecord(root, ['--source', 'b', '--latency-ms', '2', '--detail', 'waited']);
      expect(patient.exitCode).toBe(0);
      expect(patient.json().lock_latency_ms).toBeGreaterThan(100);
      await job;
      const raw = await readText(root, RAW);
      expect(raw).toContain(',b,2,,success,waited');
      expect(raw).not.toContain(',a,1,');
    } finally {
      await server.close();
    }
  });

  it('stops at the next safe point on SIGTERM, releasing the lock and leaving the raw file as it was', async () => {
    const server = await slowServer(5000);
    try {
      await writeText(
        root,
        'configs/observability/latency.yaml',
        `sources:\n  - name: slow-endpoint\n    type: http\n    url: ${server.url}\n    timeout_ms: 10000\n`,
      );
      const raw = `${HEADER}\n2026-07-06T05:00:00.000Z,a,100,,success,\n`;
      await writeText(root, RAW, raw);
      const child = spawn(process.execPath, [BIN.latency, '--root', root, '--now', NOW], { env: cleanEnv() });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      // The job is waiting for the probe: it holds the lock and is between safe points.
      await server.requested;
      child.kill('SIGTERM');
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(exitCode).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({
        status: 'error',
        diagnostics: { error_code: 'interrupted' },
      });
      expect(await readText(root, RAW)).toBe(raw);
      await writeText(root, 'configs/observability/latency.yaml', 'sources: []\n');
      const next = await runLatency(root, ['--now', NOW]);
      expect(next.json().status).not.toBe('skipped');
    } finally {
      await server.close();
    }
  });
});

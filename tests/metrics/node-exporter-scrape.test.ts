import { type ChildProcess, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, runDaily, writeDailyInputs } from '../daily/support/daily-workspace.js';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { metricsFiles, metricValues, NODE_EXPORTER, seriesValues } from './support/prometheus-tools.js';

const NOTE = NODE_EXPORTER
  ? 'the real prometheus-node-exporter'
  : 'SKIPPED: prometheus-node-exporter (Debian package) is not installed';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let root: string;
let cleanup: () => Promise<void>;
let textfiles: string;
let exporter: ChildProcess | undefined;
let exporterLog = '';
let url: string;

async function scrape(): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

async function waitForExporter(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || exporter?.exitCode !== null) {
      throw new Error(`node_exporter did not answer on ${url}: ${exporterLog}`);
    }
    await sleep(100);
  }
}

describe.skipIf(!NODE_EXPORTER)(`node_exporter's textfile collector (${NOTE})`, () => {
  beforeAll(async () => {
    ({ root, cleanup } = await makeWorkspace('obs-node-exporter-'));
    await writeDailyInputs(root);
    textfiles = join(root, 'textfile-collector');
    const chain = await runDaily(root, ['--observability', '--dry-run', '--metrics-dir', textfiles]);
    expect(chain.exitCode, chain.stdout).toBe(0);
    const record = await runCli(
      BIN.latency,
      ['record', '--root', root, '--now', NOW, '--source', 'router', '--latency-ms', '412'],
      { env: cleanEnv({ OBS_METRICS_DIR: textfiles }) },
    );
    expect(record.exitCode, record.stdout).toBe(0);

    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    exporter = spawn(
      NODE_EXPORTER as string,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.textfile',
        `--collector.textfile.directory=${textfiles}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exporter.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      exporterLog += chunk;
    });
    await waitForExporter();
  }, 120_000);

  afterAll(async () => {
    if (exporter && exporter.exitCode === null) {
      const exited = new Promise((resolve) => exporter?.once('exit', resolve));
      exporter.kill('SIGTERM');
      await exited;
    }
    await cleanup?.();
  });

  it('exposes every series of every file, value for value, with no scrape error', async () => {
    const scraped = seriesValues(await scrape());
    expect(scraped.node_textfile_scrape_error).toBe(0);
    const files = metricsFiles(textfiles);
    expect(files.map((file) => file.slice(textfiles.length + 1))).toEqual([
      'obs_daily.prom',
      'obs_dashboard.prom',
      'obs_latency-record.prom',
      'obs_latency.prom',
      'obs_weekly.prom',
    ]);
    let series = 0;
    for (const file of files) {
      expect(scraped[`node_textfile_mtime_seconds{file="${file}"}`], file).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(metricValues(file))) {
        expect(scraped[key], key).toBe(value);
        series += 1;
      }
    }
    expect(series).toBeGreaterThan(80);
    expect(scraped['obs_job_last_status{job="latency",status="dry_run"}']).toBe(1);
    expect(Object.keys(scraped).some((key) => key.startsWith('node_cpu'))).toBe(false);
  });

  it('picks up the next run’s file, replaced atomically', async () => {
    const later = '2025-10-06T12:15:00Z';
    const latency = await runCli(
      BIN.latency,
      ['--root', root, '--now', later, '--dry-run-alert', '--metrics-dir', textfiles],
      {
        env: cleanEnv(),
      },
    );
    expect(latency.exitCode, latency.stdout).toBe(0);
    const scraped = seriesValues(await scrape());
    expect(scraped['obs_job_last_run_timestamp_seconds{job="latency"}']).toBe(Date.parse(later) / 1000);
    expect(scraped['obs_job_runs_total{job="latency",status="dry_run"}']).toBe(2);
    expect(scraped.node_textfile_scrape_error).toBe(0);
  });

  it('reports a broken file as a scrape error (the check above can fail)', async () => {
    const broken = join(textfiles, 'broken.prom');
    await writeFile(broken, 'obs_job_attempts{job="x" 1\n');
    try {
      expect(seriesValues(await scrape()).node_textfile_scrape_error).toBe(1);
    } finally {
      await rm(broken);
    }
    expect(seriesValues(await scrape()).node_textfile_scrape_error).toBe(0);
  });
});

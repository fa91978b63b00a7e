#!/usr/bin/env node
// Runs every benchmark case of spec 60-quality.md as whole processes on generated data:
// 5 runs each, median wall time and peak RSS, written to bench/results.md.
// Usage: pnpm bench [--runs N] [--only case,case]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM, hasChromium, launchHeadlessChromium } from '../scripts/headless-chromium.mjs';
import { runLogLines } from '../scripts/sample-run-log.mjs';
import {
  denseLatencySampleLines,
  generateSampleWorkspace,
  latencySampleLines,
  writeLines,
  writeRuns,
  writeStateExports,
  writeTelemetry,
} from '../scripts/sample-workspace.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PROBE = join(REPO, 'bench/rss-probe.mjs');
const BIN = (pkg) => join(REPO, 'packages', pkg, 'dist/bin/cli.js');
const ANCHOR = '2026-11-24T12:10:00Z';
const ANCHOR_MS = Date.parse(ANCHOR);
const SEED = 4242;

const args = process.argv.slice(2);
const runsPerCase = Number(args[args.indexOf('--runs') + 1]) || 5;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;

function runProcess(argv, { cwd }) {
  const rssFile = join(tmpdir(), `obs-bench-rss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', PROBE, ...argv], {
    cwd,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, OBS_COMMIT_SHA: 'bench' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  let rssKb = Number.NaN;
  try {
    rssKb = Number(readFileSync(rssFile, 'utf8'));
  } catch {}
  return {
    wallMs,
    rssMb: rssKb / 1024,
    status: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

/**
 * Opens a dashboard page in headless Chromium `loads` times and returns the median time from
 * navigation start until its script has drawn every chart (null without Chromium).
 */
async function pageDrawMs(file, loads) {
  if (!hasChromium()) return null;
  const browser = await launchHeadlessChromium();
  try {
    const times = [];
    for (let load = 0; load < loads; load += 1) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-charts-ready="true"]');
      times.push(await page.evaluate(() => window.obsDashboard.drawnMs));
      await page.close();
    }
    return median(times);
  } finally {
    await browser.close();
  }
}

/** What obs-dashboard reads besides the rollup: runs, state exports, router telemetry. */
async function writeDashboardInputs(ws, options) {
  await writeRuns(ws, options);
  await writeStateExports(ws, options);
  await writeTelemetry(ws, options);
}

/** obs-verify reading every line on every run: nothing sealed, nothing skipped as verified before. */
const FULL_VERIFICATION = ['--full', '--log-segment-bytes', String(2 ** 50)];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * `count` run-log lines made of real entries (`templates`, one chain and a verification as the
 * jobs wrote them), repeated 15 minutes apart up to the anchor with fresh job ids and sequences.
 */
function* chainEntryLines(templates, count) {
  const chains = Math.ceil(count / templates.length);
  const idOf = (id, stamp) => id.replace(/^\d{8}T\d{6}Z/, stamp);
  for (let sequence = 1; sequence <= count; sequence += 1) {
    const index = (sequence - 1) % templates.length;
    const chain = Math.floor((sequence - 1) / templates.length);
    const atMs = ANCHOR_MS - (chains - chain) * 15 * 60_000 + index;
    const at = new Date(atMs).toISOString();
    const stamp = at.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    const template = templates[index];
    yield JSON.stringify({
      ...template,
      job_id: idOf(template.job_id, stamp),
      sequence,
      logged_at: at,
      started_at: at,
      ...(template.parent_job_id ? { parent_job_id: idOf(template.parent_job_id, stamp) } : {}),
    });
  }
}

/** Each case: prepare its input once, reset before every run, and the command to time. */
const CASES = [
  {
    name: 'latency-1m',
    input: 'raw CSV, 1,000,000 rows over 13 days, 3 sources (size rotation)',
    targetMs: 2000,
    targetMb: 150,
    rows: 1_000_000,
    async prepare(dir) {
      mkdirSync(join(dir, 'pristine/ops'), { recursive: true });
      await writeLines(
        join(dir, 'pristine/ops/signal_latency.csv'),
        denseLatencySampleLines({
          anchorMs: ANCHOR_MS,
          seed: SEED,
          rows: this.rows,
          days: 13,
          sources: ['a', 'b', 'c'],
        }),
      );
    },
    reset(dir) {
      rmSync(join(dir, 'ws'), { recursive: true, force: true });
      cpSync(join(dir, 'pristine'), join(dir, 'ws'), { recursive: true });
    },
    command: (dir) => [BIN('latency-cli'), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'latency-steady',
    input: '14 days of 15-minute samples × 3 sources + 90 days of rollups',
    targetMs: 250,
    rows: 14 * 96 * 3,
    async prepare(dir) {
      const ws = join(dir, 'pristine');
      mkdirSync(join(ws, 'ops'), { recursive: true });
      const sampleOptions = { seed: SEED, intervalMinutes: 15, sources: ['a', 'b', 'c'], breachHours: 0 };
      // 90 days of history, rolled up and archived by one real run; then the newest 15 minutes arrive.
      await writeLines(
        join(ws, 'ops/signal_latency.csv'),
        latencySampleLines({ ...sampleOptions, anchorMs: ANCHOR_MS - 15 * 60_000, days: 90 }),
      );
      const warmup = runProcess(
        [BIN('latency-cli'), '--root', ws, '--now', new Date(ANCHOR_MS - 15 * 60_000).toISOString()],
        { cwd: REPO },
      );
      if (warmup.status !== 0)
        throw new Error(`latency-steady warm-up failed: ${warmup.stdout}${warmup.stderr}`);
    },
    reset(dir) {
      rmSync(join(dir, 'ws'), { recursive: true, force: true });
      cpSync(join(dir, 'pristine'), join(dir, 'ws'), { recursive: true });
    },
    command: (dir) => [BIN('latency-cli'), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'verify-1m',
    input: 'automation log with 1,000,000 valid lines',
    targetMs: 3000,
    // the workspace has no heartbeats: the log checks pass, the heartbeat checks fail
    acceptedExits: [0, 1],
    targetMb: 150,
    rows: 1_000_000,
    async prepare(dir) {
      const ws = join(dir, 'ws');
      mkdirSync(join(ws, 'ops'), { recursive: true });
      const context = { commit_sha: 'bench', environment: 'production', scheduler: 'cron' };
      function* lines() {
        for (let sequence = 1; sequence <= 1_000_000; sequence += 1) {
          const at = new Date(ANCHOR_MS - (1_000_000 - sequence) * 60_000).toISOString();
          const stamp = at.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
          yield JSON.stringify({
            job_id: `${stamp}-latency`,
            job_name: 'latency',
            status: 'ok',
            sequence,
            logged_at: at,
            started_at: at,
            duration_ms: 120,
            attempts: 1,
            artefacts: ['ops/signal_latency_rollup.csv', 'ops/latency_job_heartbeat.json'],
            alerts: [],
            diagnostics: {},
            context,
          });
        }
      }
      await writeLines(join(ws, 'ops/automation_runs.log'), lines());
      writeFileSync(
        join(ws, 'ops/automation_runs.sequence'),
        JSON.stringify({ value: 1_000_000, updated_at: ANCHOR }),
      );
    },
    reset() {},
    command: (dir) => [
      BIN('verify-cli'),
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
      '--check-log',
      'ops/automation_runs.log',
      ...FULL_VERIFICATION,
    ],
  },
  {
    name: 'verify-chain',
    input: "`obs-verify --full`, run log of the chain's own entries (one real dry-run chain, repeated)",
    entries: 100_000,
    // the workspace's heartbeats are dry runs only: the log checks pass, the heartbeat checks fail
    acceptedExits: [0, 1],
    targetMb: 100,
    /** ≥ 120 MB/s of log, set once the log's size is known */
    targetMs: 0,
    async prepare(dir) {
      const ws = join(dir, 'ws');
      await generateSampleWorkspace(ws, { anchor: ANCHOR, seed: SEED });
      cpSync(join(REPO, 'configs'), join(ws, 'configs'), { recursive: true });
      const log = join(ws, 'ops/automation_runs.log');
      // the chain's four entries (latency, weekly, dashboard, daily) as the jobs write them
      runProcess([BIN('daily-workflow'), '--observability', '--dry-run', '--root', ws, '--now', ANCHOR], {
        cwd: REPO,
      });
      const templates = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      await writeLines(log, chainEntryLines(templates, this.entries));
      writeFileSync(
        join(ws, 'ops/automation_runs.sequence'),
        JSON.stringify({ value: this.entries, updated_at: ANCHOR }),
      );
      const bytes = statSync(log).size;
      this.rows = this.entries;
      this.targetMs = Math.round((bytes / 120e6) * 1000);
      this.input = `${this.input}: ${this.entries.toLocaleString('en')} entries, ${Math.round(bytes / this.entries)} B each on average (${(bytes / 1e6).toFixed(0)} MB); target = 120 MB/s`;
    },
    reset() {},
    command: (dir) => [BIN('verify-cli'), '--root', join(dir, 'ws'), '--now', ANCHOR, ...FULL_VERIFICATION],
  },
  {
    name: 'kpi-1m',
    input: 'run log of 1,000,000 entries of the chain (latency, weekly, dashboard, daily, nightly verify)',
    targetMs: 3000,
    targetMb: 100,
    rows: 1_000_000,
    async prepare(dir) {
      const log = join(dir, 'ws/ops/automation_runs.log');
      mkdirSync(join(dir, 'ws/ops'), { recursive: true });
      await writeLines(log, runLogLines({ anchorMs: ANCHOR_MS, seed: SEED, entries: this.rows }));
      const bytes = statSync(log).size;
      this.input = `${this.input}, ${Math.round(bytes / this.rows)} B a line on average (${(bytes / 1e6).toFixed(0)} MB)`;
    },
    reset() {},
    command: (dir) => [
      BIN('verify-cli'),
      'kpi',
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
      '--since',
      '3000d',
    ],
  },
  {
    name: 'metrics-step',
    input: "a job run's metrics step (textfile replaced after its log entry), 200 times in one process",
    targetMs: 1000,
    runs: 200,
    async prepare() {},
    reset(dir) {
      rmSync(join(dir, 'metrics'), { recursive: true, force: true });
    },
    command(dir) {
      return [join(REPO, 'bench/metrics-step.mjs'), dir, String(this.runs)];
    },
    async inspect(dir) {
      const figures = JSON.parse(readFileSync(join(dir, 'metrics-step.json'), 'utf8'));
      return {
        ok: figures.median_ms <= 5,
        note: `one metrics step: median ${figures.median_ms.toFixed(2)} ms, p90 ${figures.p90_ms.toFixed(2)} ms over ${figures.runs} (target ≤ 5 ms added to a job run)`,
      };
    },
  },
  {
    name: 'dashboard-large',
    input: '2,000 runs with 250-row daily.csv each, 500 state exports',
    targetMs: 3000,
    rows: 2000 * 250,
    async prepare(dir) {
      const ws = join(dir, 'ws');
      const options = {
        anchorMs: ANCHOR_MS,
        seed: SEED,
        runs: 2000,
        runWeeks: 8,
        dailyRows: 250,
        stateDays: 125,
      };
      await writeDashboardInputs(ws, options);
      mkdirSync(join(ws, 'ops'), { recursive: true });
      writeFileSync(
        join(ws, 'ops/signal_latency_rollup.csv'),
        'hour_utc,window_end_utc,count,failure_count,failure_rate,p50_ms,p95_ms,p99_ms,max_ms,breach_flag,breach_streak\n',
      );
    },
    reset() {},
    command: (dir) => [BIN('dashboard-cli'), '--root', join(dir, 'ws'), '--now', ANCHOR, '--dry-run'],
  },
  {
    name: 'dashboard-page',
    input: 'export with the page: 90 days of hourly rollups (all in the page), 500 state exports',
    targetMs: 3000,
    pageTargetBytes: 1024 * 1024,
    pageTargetDrawMs: 1000,
    rows: 90 * 24,
    async prepare(dir) {
      const ws = join(dir, 'ws');
      const options = {
        anchorMs: ANCHOR_MS,
        seed: SEED,
        runs: 50,
        runWeeks: 8,
        dailyRows: 60,
        stateDays: 125,
      };
      await writeDashboardInputs(ws, options);
      await writeLines(
        join(ws, 'ops/signal_latency.csv'),
        latencySampleLines({
          anchorMs: ANCHOR_MS,
          seed: SEED,
          days: 90,
          intervalMinutes: 15,
          sources: ['a', 'b'],
          breachHours: 3,
        }),
      );
      // one real obs-latency run rolls the 90 days up and records its SLO in the heartbeat
      const latency = runProcess([BIN('latency-cli'), '--root', ws, '--now', ANCHOR], { cwd: REPO });
      if (latency.status !== 0)
        throw new Error(`dashboard-page warm-up failed: ${latency.stdout}${latency.stderr}`);
    },
    reset() {},
    command: (dir) => [
      BIN('dashboard-cli'),
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
      '--dry-run',
      '--latency-limit',
      String(90 * 24),
    ],
    async inspect(dir) {
      const file = join(dir, 'ws/out/dashboard/index.html');
      const bytes = statSync(file).size;
      const drawMs = await pageDrawMs(file, runsPerCase);
      const withinBytes = bytes <= this.pageTargetBytes;
      const withinDraw = drawMs !== null && drawMs <= this.pageTargetDrawMs;
      return {
        ok: withinBytes && withinDraw,
        note: `page ${(bytes / 1024).toFixed(0)} KB (target ≤ ${this.pageTargetBytes / 1024} KB), charts drawn in ${drawMs === null ? `— (no ${CHROMIUM})` : `${drawMs.toFixed(0)} ms`} median of ${runsPerCase} loads in headless Chromium (target ≤ ${this.pageTargetDrawMs} ms)`,
      };
    },
  },
  {
    name: 'daily-dry-run',
    input: '`obs-daily --observability --dry-run` on the sample workspace',
    targetMs: 1000,
    async prepare(dir) {
      await generateSampleWorkspace(join(dir, 'pristine'), { anchor: ANCHOR, seed: SEED });
      cpSync(join(REPO, 'configs'), join(dir, 'pristine/configs'), { recursive: true });
    },
    reset(dir) {
      rmSync(join(dir, 'ws'), { recursive: true, force: true });
      cpSync(join(dir, 'pristine'), join(dir, 'ws'), { recursive: true });
    },
    command: (dir) => [
      BIN('daily-workflow'),
      '--observability',
      '--dry-run',
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
    ],
  },
  {
    name: 'status',
    input: '`obs-status` on the sample workspace after a dry-run chain and a verification',
    targetMs: 100,
    // it exits 1 when something needs attention (here: only dry runs)
    acceptedExits: [0, 1],
    async prepare(dir) {
      const ws = join(dir, 'ws');
      await generateSampleWorkspace(ws, { anchor: ANCHOR, seed: SEED });
      cpSync(join(REPO, 'configs'), join(ws, 'configs'), { recursive: true });
      for (const argv of [
        [BIN('daily-workflow'), '--observability', '--dry-run', '--root', ws, '--now', ANCHOR],
        [BIN('verify-cli'), '--root', ws, '--now', ANCHOR],
      ]) {
        runProcess(argv, { cwd: REPO });
      }
    },
    reset() {},
    command: (dir) => [BIN('status-cli'), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'cli-start',
    input: '`obs-latency --help`',
    targetMs: 150,
    async prepare() {},
    reset() {},
    command: () => [BIN('latency-cli'), '--help'],
  },
];

const work = join(REPO, 'bench/.work');
const rows = [];
const notes = [];
for (const benchCase of CASES) {
  if (only && !only.includes(benchCase.name)) continue;
  const dir = join(work, benchCase.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`${benchCase.name}: preparing input… `);
  await benchCase.prepare.call(benchCase, dir);
  const samples = [];
  for (let run = 0; run < runsPerCase; run += 1) {
    benchCase.reset(dir);
    const sample = runProcess(benchCase.command.call(benchCase, dir), { cwd: REPO });
    if (!(benchCase.acceptedExits ?? [0]).includes(sample.status)) {
      process.stderr.write(
        `\n${benchCase.name} run ${run + 1} exited ${sample.status}: ${sample.stdout.slice(0, 2000)}${sample.stderr.slice(0, 2000)}\n`,
      );
    }
    samples.push(sample);
  }
  const wall = median(samples.map((sample) => sample.wallMs));
  const rss = median(samples.map((sample) => sample.rssMb));
  const peakRss = Math.max(...samples.map((sample) => sample.rssMb));
  const inspected = benchCase.inspect ? await benchCase.inspect.call(benchCase, dir) : null;
  if (inspected) notes.push(`${benchCase.name}: ${inspected.note}`);
  const withinTime = wall <= benchCase.targetMs && (inspected?.ok ?? true);
  const withinMemory = benchCase.targetMb === undefined || peakRss <= benchCase.targetMb;
  rows.push({
    name: benchCase.name,
    input: benchCase.input,
    wall,
    rss,
    peakRss,
    rowsPerSecond: benchCase.rows ? Math.round(benchCase.rows / (wall / 1000)) : null,
    target: `≤ ${benchCase.targetMs} ms${benchCase.targetMb ? `, ≤ ${benchCase.targetMb} MB` : ''}${
      benchCase.pageTargetBytes
        ? `; page ≤ ${benchCase.pageTargetBytes / 1024 / 1024} MB, drawn ≤ ${benchCase.pageTargetDrawMs} ms`
        : ''
    }`,
    verdict: withinTime && withinMemory ? 'within target' : 'OVER TARGET',
  });
  process.stderr.write(
    `median ${wall.toFixed(0)} ms, peak RSS ${peakRss.toFixed(1)} MB${inspected ? `; ${inspected.note}` : ''}\n`,
  );
}

const table = [
  '| case | input | median wall ms | median peak RSS MB | max peak RSS MB | rows/s | target | verdict |',
  '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.input} | ${row.wall.toFixed(0)} | ${row.rss.toFixed(1)} | ${row.peakRss.toFixed(1)} | ${row.rowsPerSecond ?? '—'} | ${row.target} | ${row.verdict} |`,
  ),
  ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
].join('\n');
const header = `# Benchmark results\n\n${runsPerCase} runs per case, whole processes, on ${process.platform}/${process.arch} with Node ${process.version} (${(await import('node:os')).cpus().length} cores). Generated by \`pnpm bench\`.\n\n`;
if (!only) writeFileSync(join(REPO, 'bench/results.md'), `${header}${table}\n`);
process.stdout.write(`${table}\n`);
if (rows.some((row) => row.verdict !== 'within target')) process.exitCode = 1;

#!/usr/bin/env node
// Runs every benchmark case of spec 60-quality.md as whole processes on generated data:
// 5 runs each, median wall time and peak RSS, written to bench/results.md.
// With --baseline <checkout> (another built copy of the repository, e.g. main), every run of a
// case alternates between that checkout's binaries and these on the same input, and the table
// gains their before/after figures: on a shared machine the relative change is the figure to
// trust, the absolute ones move with the load.
// Usage: pnpm bench [--runs N] [--only case,case] [--baseline DIR]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
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
import { PROBE, probeRun } from './process-probe.mjs';
import { writeBenchResults } from './results-file.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = (pkg, repo = REPO) => join(repo, 'packages', pkg, 'dist/bin/cli.js');
const ANCHOR = '2026-11-24T12:10:00Z';
const ANCHOR_MS = Date.parse(ANCHOR);
const SEED = 4242;

const args = process.argv.slice(2);
const runsPerCase = Number(args[args.indexOf('--runs') + 1]) || 5;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const baseline = args.includes('--baseline') ? resolve(args[args.indexOf('--baseline') + 1]) : null;

function runProcess(argv, { cwd, env = {} }) {
  const probe = probeRun('bench');
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', PROBE, ...argv], {
    cwd,
    env: { ...process.env, ...probe.env, OBS_COMMIT_SHA: 'bench', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  return {
    wallMs,
    ...probe.read(),
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

/** Starts bench/webhook-receiver.mjs (a separate process: the runs block this one) and returns its URL. */
async function startReceiver() {
  const receiver = spawn(process.execPath, [join(REPO, 'bench/webhook-receiver.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = await once(receiver.stdout, 'data');
  return { url: first.toString().trim(), stop: () => receiver.kill('SIGTERM') };
}

/** An obs-dashboard dry run on the case's workspace. */
const dashboardDryRun = (dir, repo, ...flags) => [
  BIN('dashboard-cli', repo),
  '--root',
  join(dir, 'ws'),
  '--now',
  ANCHOR,
  '--dry-run',
  ...flags,
];

/** The sample workspace of the chain cases: generated once, copied fresh before every run. */
async function prepareSampleWorkspace(dir) {
  await generateSampleWorkspace(join(dir, 'pristine'), { anchor: ANCHOR, seed: SEED });
  cpSync(join(REPO, 'configs'), join(dir, 'pristine/configs'), { recursive: true });
}

function resetSampleWorkspace(dir) {
  rmSync(join(dir, 'ws'), { recursive: true, force: true });
  cpSync(join(dir, 'pristine'), join(dir, 'ws'), { recursive: true });
}

/** obs-verify on the case's workspace, with the case's own flags. */
const verifyCommand = (dir, repo, ...flags) => [
  BIN('verify-cli', repo),
  '--root',
  join(dir, 'ws'),
  '--now',
  ANCHOR,
  ...flags,
];

/** obs-verify reading every line on every run: nothing sealed, nothing skipped as verified before. */
const FULL_VERIFICATION = ['--full', '--log-segment-bytes', String(2 ** 50)];

/** `obs-verify kpi` over the whole of a bench log's history. */
const kpiCommand = (dir, repo) => [
  BIN('verify-cli', repo),
  'kpi',
  '--root',
  join(dir, 'ws'),
  '--now',
  ANCHOR,
  '--since',
  '3000d',
];

/**
 * Writes run-log lines as the nightly verification leaves them: sealed segments of
 * `segmentBytes` (obs-verify's default) with their KPI digests, and the rest in the open log,
 * with this repository's own sealing and digest code.
 */
async function writeSealedRunLog(root, lines, segmentBytes = 16 * 2 ** 20) {
  const core = await import(pathToFileURL(join(REPO, 'packages/automation-core/dist/index.js')).href);
  const { writeSegmentKpiDigest } = await import(
    pathToFileURL(join(REPO, 'packages/verify-cli/dist/kpi/segment-kpi-digest-file.js')).href
  );
  const logFile = join(root, 'ops/automation_runs.log');
  const files = core.runLogFiles(root, logFile);
  mkdirSync(join(root, 'ops'), { recursive: true });
  let piece = [];
  let openBytes = 0;
  let bytes = 0;
  let segments = 0;
  for (const line of lines) {
    piece.push(`${line}\n`);
    openBytes += Buffer.byteLength(line) + 1;
    if (openBytes < segmentBytes) continue;
    writeFileSync(logFile, piece.join(''));
    const { segment } = await core.sealRunLog(logFile, openBytes, new Date(ANCHOR));
    await writeSegmentKpiDigest(files, segment);
    bytes += openBytes;
    segments += 1;
    piece = [];
    openBytes = 0;
  }
  writeFileSync(logFile, piece.join(''));
  return { segments, openBytes, bytes: bytes + openBytes };
}

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
    name: 'node-start',
    input: '`node -e 0`: Node itself, the floor under every case on this machine',
    reference: true,
    async prepare() {},
    reset() {},
    command: () => ['-e', '0'],
  },
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
    command: (dir, repo) => [BIN('latency-cli', repo), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'latency-steady',
    input: '14 days of 15-minute samples × 3 sources + 90 days of rollups',
    targetMs: 120,
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
    command: (dir, repo) => [BIN('latency-cli', repo), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'latency-compact',
    input: "an earlier release's archive folder: 7 days × 96 per-run archives of 3 samples",
    targetMs: 3000,
    rows: 7 * 96 * 3,
    async prepare(dir) {
      const header = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail\n';
      const manifest = [];
      for (let run = 0; run < 7 * 96; run += 1) {
        const rotatedMs = ANCHOR_MS - (7 * 96 - run) * 15 * 60_000;
        const at = new Date(rotatedMs).toISOString();
        const jobId = `${at.slice(0, 19).replace(/[-:]/g, '')}Z-latency`;
        const path = `ops/signal_latency_archive/${at.slice(0, 4)}/${at.slice(5, 7)}/${jobId}.csv.gz`;
        const sampleMs = rotatedMs - 14 * 86_400_000;
        const rows = ['a', 'b', 'c'].map(
          (source, index) =>
            `${new Date(sampleMs + index).toISOString()},${source},${100 + index},,success,\n`,
        );
        const bytes = gzipSync(header + rows.join(''));
        mkdirSync(join(dir, 'pristine', path, '..'), { recursive: true });
        writeFileSync(join(dir, 'pristine', path), bytes);
        manifest.push(
          JSON.stringify({
            job_id: jobId,
            path,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            row_count: 3,
            first_ts: new Date(sampleMs).toISOString(),
            last_ts: new Date(sampleMs + 2).toISOString(),
            reason: 'retention',
            rotated_at: at,
          }),
        );
      }
      writeFileSync(
        join(dir, 'pristine/ops/signal_latency_archive/manifest.jsonl'),
        `${manifest.join('\n')}\n`,
      );
    },
    reset(dir) {
      rmSync(join(dir, 'ws'), { recursive: true, force: true });
      cpSync(join(dir, 'pristine'), join(dir, 'ws'), { recursive: true });
    },
    command: (dir, repo) => [
      BIN('latency-cli', repo),
      'compact-archives',
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
    ],
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
    command: (dir, repo) =>
      verifyCommand(dir, repo, '--check-log', 'ops/automation_runs.log', ...FULL_VERIFICATION),
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
    command: (dir, repo) => verifyCommand(dir, repo, ...FULL_VERIFICATION),
  },
  {
    name: 'kpi-1m',
    input:
      'run log of 1,000,000 entries of the chain (latency, weekly, dashboard, daily, nightly verify) as the nightly verification keeps it: sealed 16 MiB segments with their KPI digests, the rest open',
    targetMs: 3000,
    targetMb: 100,
    rows: 1_000_000,
    async prepare(dir) {
      const { segments, openBytes, bytes } = await writeSealedRunLog(
        join(dir, 'ws'),
        runLogLines({ anchorMs: ANCHOR_MS, seed: SEED, entries: this.rows }),
      );
      this.input = `${this.input}: ${Math.round(bytes / this.rows)} B a line on average (${(bytes / 1e6).toFixed(0)} MB), ${segments} segments, ${(openBytes / 1e6).toFixed(1)} MB open`;
    },
    reset() {},
    command: (dir, repo) => kpiCommand(dir, repo),
  },
  {
    name: 'kpi-1m-unsealed',
    input:
      'the same 1,000,000 entries all in the open log, as a deployment whose nightly verification never sealed it leaves them: every entry parsed',
    reference: true,
    rows: 1_000_000,
    async prepare(dir) {
      const log = join(dir, 'ws/ops/automation_runs.log');
      mkdirSync(join(dir, 'ws/ops'), { recursive: true });
      await writeLines(log, runLogLines({ anchorMs: ANCHOR_MS, seed: SEED, entries: this.rows }));
      const bytes = statSync(log).size;
      this.input = `${this.input}, ${Math.round(bytes / this.rows)} B a line on average (${(bytes / 1e6).toFixed(0)} MB)`;
    },
    reset() {},
    command: (dir, repo) => kpiCommand(dir, repo),
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
    command(dir, repo) {
      return [join(repo, 'bench/metrics-step.mjs'), dir, String(this.runs)];
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
    command: (dir, repo) => dashboardDryRun(dir, repo),
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
    command: (dir, repo) => dashboardDryRun(dir, repo, '--latency-limit', String(90 * 24)),
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
    targetMs: 250,
    targetMb: 60,
    prepare: prepareSampleWorkspace,
    reset: resetSampleWorkspace,
    command: (dir, repo) => [
      BIN('daily-workflow', repo),
      '--observability',
      '--dry-run',
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
    ],
  },
  {
    name: 'daily-real',
    input: '`obs-daily --observability` on the sample workspace, the webhook receiver answering at once',
    // the real chain within 20 % of the dry run's 250 ms
    targetMs: 300,
    env: {},
    async prepare(dir) {
      await prepareSampleWorkspace(dir);
      this.receiver = await startReceiver();
      this.env = {
        OBS_WEEKLY_WEBHOOK_URL: `${this.receiver.url}/weekly`,
        OBS_WEBHOOK_SECRET: 'bench-signing-secret-0123456789abcdef',
      };
    },
    reset: resetSampleWorkspace,
    command: (dir, repo) => [
      BIN('daily-workflow', repo),
      '--observability',
      '--root',
      join(dir, 'ws'),
      '--now',
      ANCHOR,
    ],
    finish() {
      this.receiver?.stop();
    },
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
    command: (dir, repo) => [BIN('status-cli', repo), '--root', join(dir, 'ws'), '--now', ANCHOR],
  },
  {
    name: 'cli-start',
    input: '`obs-latency --help`',
    targetMs: 90,
    async prepare() {},
    reset() {},
    command: (_dir, repo) => [BIN('latency-cli', repo), '--help'],
  },
];

const work = join(REPO, 'bench/.work');
const rows = [];
const notes = [];

/** One timed run of a case with the binaries of `repo`, after resetting its input. */
function timedRun(benchCase, dir, repo, run) {
  benchCase.reset(dir);
  const sample = runProcess(benchCase.command.call(benchCase, dir, repo), { cwd: REPO, env: benchCase.env });
  if (!(benchCase.acceptedExits ?? [0]).includes(sample.status)) {
    process.stderr.write(
      `\n${benchCase.name} run ${run + 1}${repo === REPO ? '' : ' (baseline)'} exited ${sample.status}: ${sample.stdout.slice(0, 2000)}${sample.stderr.slice(0, 2000)}\n`,
    );
  }
  return sample;
}

const summarise = (samples) => ({
  wall: median(samples.map((sample) => sample.wallMs)),
  cpu: median(samples.map((sample) => sample.cpuMs)),
  rss: median(samples.map((sample) => sample.rssMb)),
  peakRss: Math.max(...samples.map((sample) => sample.rssMb)),
});

for (const benchCase of CASES) {
  if (only && !only.includes(benchCase.name)) continue;
  const dir = join(work, benchCase.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`${benchCase.name}: preparing input… `);
  await benchCase.prepare.call(benchCase, dir);
  const samples = [];
  const baselineSamples = [];
  for (let run = 0; run < runsPerCase; run += 1) {
    // alternating which goes first spreads a warm cache and the machine's load over both
    if (baseline && run % 2 === 0) baselineSamples.push(timedRun(benchCase, dir, baseline, run));
    samples.push(timedRun(benchCase, dir, REPO, run));
    if (baseline && run % 2 === 1) baselineSamples.push(timedRun(benchCase, dir, baseline, run));
  }
  // what a case inspects afterwards is the output of these binaries
  if (baseline && runsPerCase % 2 === 0 && benchCase.inspect) timedRun(benchCase, dir, REPO, runsPerCase);
  benchCase.finish?.call(benchCase);
  const { wall, cpu, rss, peakRss } = summarise(samples);
  const before = baseline ? summarise(baselineSamples) : null;
  const inspected = benchCase.inspect ? await benchCase.inspect.call(benchCase, dir) : null;
  if (inspected) notes.push(`${benchCase.name}: ${inspected.note}`);
  const withinTime = benchCase.reference || (wall <= benchCase.targetMs && (inspected?.ok ?? true));
  const withinMemory = benchCase.targetMb === undefined || peakRss <= benchCase.targetMb;
  rows.push({
    name: benchCase.name,
    input: benchCase.input,
    wall,
    cpu,
    rss,
    peakRss,
    before,
    rowsPerSecond: benchCase.rows ? Math.round(benchCase.rows / (wall / 1000)) : null,
    target: benchCase.reference
      ? '—'
      : `≤ ${benchCase.targetMs} ms${benchCase.targetMb ? `, ≤ ${benchCase.targetMb} MB` : ''}${
          benchCase.pageTargetBytes
            ? `; page ≤ ${benchCase.pageTargetBytes / 1024 / 1024} MB, drawn ≤ ${benchCase.pageTargetDrawMs} ms`
            : ''
        }`,
    verdict: benchCase.reference ? 'reference' : withinTime && withinMemory ? 'within target' : 'OVER TARGET',
  });
  process.stderr.write(
    `median ${wall.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms), peak RSS ${peakRss.toFixed(1)} MB${before ? ` (baseline ${before.wall.toFixed(0)} ms, CPU ${before.cpu.toFixed(0)} ms, ${before.peakRss.toFixed(1)} MB)` : ''}${inspected ? `; ${inspected.note}` : ''}\n`,
  );
}

const change = (after, before) =>
  `${after <= before ? '−' : '+'}${Math.abs((after / before - 1) * 100).toFixed(0)} %`;
const table = [
  '| case | input | median wall ms | median CPU ms | median peak RSS MB | max peak RSS MB | rows/s | target | verdict |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.input} | ${row.wall.toFixed(0)} | ${row.cpu.toFixed(0)} | ${row.rss.toFixed(1)} | ${row.peakRss.toFixed(1)} | ${row.rowsPerSecond ?? '—'} | ${row.target} | ${row.verdict} |`,
  ),
  ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
].join('\n');
const comparison = baseline
  ? [
      '',
      `Before/after in the same runs, alternating with the binaries of \`${baseline}\` on the same inputs:`,
      '',
      '| case | before wall ms | after wall ms | change | before CPU ms | after CPU ms | change | before max peak RSS MB | after max peak RSS MB |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (row) =>
          `| ${row.name} | ${row.before.wall.toFixed(0)} | ${row.wall.toFixed(0)} | ${change(row.wall, row.before.wall)} | ${row.before.cpu.toFixed(0)} | ${row.cpu.toFixed(0)} | ${change(row.cpu, row.before.cpu)} | ${row.before.peakRss.toFixed(1)} | ${row.peakRss.toFixed(1)} |`,
      ),
    ].join('\n')
  : '';
const header = `# Benchmark results\n\n${runsPerCase} runs per case, whole processes, on ${process.platform}/${process.arch} with Node ${process.version} (${(await import('node:os')).cpus().length} cores). Generated by \`pnpm bench\`.\n\n`;
if (!only) writeBenchResults(REPO, `${header}${table}\n${comparison}\n`);
process.stdout.write(`${table}\n${comparison}\n`);
if (rows.some((row) => row.verdict === 'OVER TARGET')) process.exitCode = 1;

#!/usr/bin/env node
// `pnpm bench:storage [--days 56] [--inputs live|unchanged|both] [--report 7,28,56] [--json-out f]
// [--write-results] [--keep]`:
// weeks of a deployment in minutes. The chain (`obs-daily --observability`, real mode) runs every
// 15 simulated minutes, in this process (the jobs' own run functions through the harness, as the
// binaries call them, without a process start per run) except on report days, where every other
// chain runs as its own process as cron starts it; the nightly `obs-verify` at 02:30 always runs
// as its own process. All of it on the sample workspace with the deployment's configs and
// retentions and real receivers on 127.0.0.1. `live` inputs append the demo generator's latency samples before every run (the
// dashboard's latency dataset changes each time); `unchanged` inputs feed nothing. At each
// report day it prints the files and bytes under ops/ and out/, the latency archive files, the
// dashboard history against one bundle, the chain's wall and CPU time (medians of that day's
// whole processes and of its in-process runs), the nightly verification's (medians of the last
// seven nights), and what the last night read of the run log. docs/testing.md, "Storage over
// weeks", describes it.
import { appendFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram, withSharedReads } from '../packages/automation-core/dist/index.js';
import { dailyJob } from '../packages/daily-workflow/dist/index.js';
import { Feeder, isoSeconds } from '../scripts/soak/soak-feeder.mjs';
import { runBinary } from '../scripts/soak/soak-processes.mjs';
import { startSmtpReceiver, startWebhookReceiver } from '../scripts/soak/soak-receivers.mjs';
import {
  filesUnder,
  makeSoakFolder,
  prepareWorkspace,
  storageFigures,
} from '../scripts/soak/soak-workspace.mjs';
import { PROBE, probeRun } from './process-probe.mjs';
import { STORAGE_SECTION, writeStorageResults } from './results-file.mjs';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const START = '2026-11-07T12:00:00Z';
const STEP_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const SECRET = 'storage-simulation-signing-secret-0123456789';
const RAW_COLUMNS = ['timestamp', 'source', 'latency_ms', 'ingest_latency_ms', 'status', 'detail'];
const USAGE =
  'usage: node bench/storage-simulation.mjs [--days N] [--inputs live|unchanged|both] [--report d1,d2,…] [--json-out file] [--write-results] [--keep]';

function parseArgs(argv) {
  const options = {
    days: 56,
    inputs: 'both',
    report: [7, 28, 56],
    jsonOut: null,
    writeResults: false,
    keep: false,
  };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (flag === '--write-results' || flag === '--keep') {
      options[flag === '--keep' ? 'keep' : 'writeResults'] = true;
      index -= 1;
      continue;
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--days') options.days = Number(value);
    else if (flag === '--inputs') options.inputs = value;
    else if (flag === '--report') options.report = value.split(',').map(Number);
    else if (flag === '--json-out') options.jsonOut = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error('--days needs a whole number ≥ 1');
  if (!['live', 'unchanged', 'both'].includes(options.inputs))
    throw new Error('--inputs must be live, unchanged or both');
  options.report = options.report.filter((day) => Number.isInteger(day) && day >= 1 && day <= options.days);
  return options;
}

const median = (values) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** Runs one job in-process; wall and CPU time in ms. */
async function timedInProcess(run) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { result, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const chainArgs = (root, nowMs) => ['--observability', '--root', root, '--now', isoSeconds(nowMs)];
const verifyArgs = (root, nowMs) => ['--root', root, '--now', isoSeconds(nowMs)];

/**
 * Runs `obs-<name>` as its own process, as cron does: wall time, and the CPU time the process
 * used (user + system, written at its exit by the bench's probe), in ms.
 */
async function timedProcess(name, args) {
  const probe = probeRun('storage');
  const context = { repoRoot, env: process.env, step: null, exits: [] };
  const env = { NODE_OPTIONS: `--import ${PROBE}`, ...probe.env };
  const exit = await runBinary(context, name, args, { env });
  if (exit.summary === null)
    throw new Error(`obs-${name} ${args.join(' ')} ended without a summary: ${exit.stderr}`);
  return {
    result: { exitCode: exit.code, summary: exit.summary },
    wallMs: exit.wallMs,
    cpuMs: probe.read().cpuMs,
  };
}

function runChain(root, nowMs, { wholeProcess }) {
  if (wholeProcess) return timedProcess('daily', chainArgs(root, nowMs));
  return timedInProcess(() =>
    withSharedReads(() => runProgram({ job: 'daily', main: dailyJob }, chainArgs(root, nowMs))),
  );
}

const runNightlyVerify = (root, nowMs) => timedProcess('verify', verifyArgs(root, nowMs));

function rawLine(sample) {
  return RAW_COLUMNS.map((column) => String(sample[column])).join(',');
}

/** One simulated deployment of `days` days; returns a row per report day. */
async function simulate({ days, inputs, report, keep, progress }) {
  const folder = await makeSoakFolder();
  const { root } = folder;
  const receivers = {
    weekly: await startWebhookReceiver({ name: 'weekly', path: '/hooks/weekly', secret: SECRET }),
    notify: await startWebhookReceiver({ name: 'notify', path: '/hooks/ops', secret: SECRET }),
    smtp: await startSmtpReceiver(),
  };
  Object.assign(process.env, {
    OBS_COMMIT_SHA: 'storage-simulation',
    OBS_WEEKLY_WEBHOOK_URL: receivers.weekly.url,
    OBS_WEBHOOK_SECRET: SECRET,
    OBS_SOAK_NOTIFY_URL: receivers.notify.url,
    OBS_SOAK_SMTP_HOST: receivers.smtp.host,
    OBS_SOAK_SMTP_PORT: String(receivers.smtp.port),
  });
  const rows = [];
  try {
    await prepareWorkspace({ repoRoot, root, anchor: START, seed: 17, historyRetentionDays: 56 });
    const startMs = Date.parse(START);
    const feeder = new Feeder({ seed: 17, startMs, days });
    const rawPath = join(root, 'ops/signal_latency.csv');
    const newDay = () => ({ chains: [], processChains: [], failures: 0 });
    let day = newDay();
    const nights = [];
    for (let step = 1; step <= days * (DAY_MS / STEP_MS); step += 1) {
      const nowMs = startMs + step * STEP_MS;
      if (inputs === 'live') {
        const lines = feeder.samplesUntil(nowMs).map(rawLine);
        if (lines.length > 0) await appendFile(rawPath, `${lines.join('\n')}\n`);
      }
      const wholeProcess = step % 2 === 0 && report.includes(Math.ceil((nowMs - startMs) / DAY_MS));
      const chain = await runChain(root, nowMs, { wholeProcess });
      (wholeProcess ? day.processChains : day.chains).push(chain);
      if (chain.result.exitCode > 1) day.failures += 1;
      const minuteOfDay = (nowMs % DAY_MS) / 60_000;
      if (minuteOfDay === 150) nights.push(await runNightlyVerify(root, nowMs));
      if ((nowMs - startMs) % DAY_MS === 0) {
        const dayNumber = (nowMs - startMs) / DAY_MS;
        progress(
          `${inputs}: day ${dayNumber}/${days}, chain ${Math.round(median(day.chains.map((run) => run.wallMs)))} ms`,
        );
        if (report.includes(dayNumber)) rows.push(await reportRow(root, dayNumber, day, nights.slice(-7)));
        day = newDay();
      }
    }
  } finally {
    for (const receiver of Object.values(receivers)) await receiver.close();
    if (keep) progress(`${inputs}: workspace kept in ${root}`);
    else folder.removeSync();
  }
  return rows;
}

/** What the nightly verification read of the run log: the log_segments check's details. */
function logRead(night) {
  const checks = night?.result.summary?.checks ?? [];
  const details = checks.find((check) => check.name === 'log_segments')?.details;
  if (!details) return null;
  return {
    parsedBytes: details.bytes_read,
    hashedOpenLogBytes: details.open_log_bytes_skipped_verified,
    segments: details.segments,
    readMs: details.read_ms,
  };
}

/** A report day's figures; the nightly verification's are medians of the last seven nights (one run a night). */
async function reportRow(root, dayNumber, day, nights) {
  const figures = await storageFigures(root);
  const bundle = (await filesUnder(root, 'out/dashboard')).reduce((total, file) => total + file.bytes, 0);
  const history = await filesUnder(root, 'ops/dashboard_export_history');
  return {
    day: dayNumber,
    ...figures,
    historyFiles: history.length,
    bundleBytes: bundle,
    historyToBundle: bundle > 0 ? figures.historyBytes / bundle : null,
    chainWallMs: median(day.chains.map((run) => run.wallMs)),
    chainCpuMs: median(day.chains.map((run) => run.cpuMs)),
    processChainWallMs: median(day.processChains.map((run) => run.wallMs)),
    processChainCpuMs: median(day.processChains.map((run) => run.cpuMs)),
    processChainWorkMs: median(day.processChains.map((run) => run.result.summary.duration_ms)),
    chainFailures: day.failures,
    verifyWallMs: median(nights.map((night) => night.wallMs)),
    verifyCpuMs: median(nights.map((night) => night.cpuMs)),
    verifyWorstCpuMs: nights.length === 0 ? null : Math.max(...nights.map((night) => night.cpuMs)),
    verifyExit: nights.length === 0 ? null : Math.max(...nights.map((night) => night.result.exitCode)),
    verifyLogRead: logRead(nights.at(-1)),
  };
}

const kib = (bytes) => `${Math.round(bytes / 1024)} KiB`;
const ms = (value) => (value === null ? '–' : `${Math.round(value)} ms`);
const logReadCell = (read) =>
  read === null
    ? '–'
    : `${kib(read.parsedBytes)} parsed, ${kib(read.hashedOpenLogBytes)} hashed, ${read.segments} segments; ${read.readMs} ms`;

function table(inputs, rows) {
  const lines = [
    `inputs ${inputs}:`,
    '| day | ops/ files | ops/ bytes | out/ files | out/ bytes | latency archive files | dashboard history | history ÷ bundle | chain, whole process: wall (CPU), its own duration_ms | chain in-process: wall (CPU) | nightly verify wall (CPU), worst exit | slowest night CPU | run-log read (last night) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.day} | ${row.opsFiles} | ${kib(row.opsBytes)} | ${row.outFiles} | ${kib(row.outBytes)} | ${row.archiveFiles} | ${row.historyFiles} files, ${kib(row.historyBytes)} | ${row.historyToBundle?.toFixed(1) ?? '–'} | ${ms(row.processChainWallMs)} (${ms(row.processChainCpuMs)}), ${ms(row.processChainWorkMs)}${row.chainFailures ? `, ${row.chainFailures} failed` : ''} | ${ms(row.chainWallMs)} (${ms(row.chainCpuMs)}) | ${ms(row.verifyWallMs)} (${ms(row.verifyCpuMs)}), ${row.verifyExit ?? '–'} | ${ms(row.verifyWorstCpuMs)} | ${logReadCell(row.verifyLogRead)} |`,
    );
  }
  return lines.join('\n');
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`storage-simulation: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
const results = {};
const tables = [];
for (const inputs of options.inputs === 'both' ? ['unchanged', 'live'] : [options.inputs]) {
  const started = performance.now();
  results[inputs] = await simulate({
    ...options,
    inputs,
    progress: (line) => process.stderr.write(`storage-simulation: ${line}\n`),
  });
  tables.push(`${table(inputs, results[inputs])}\n\n(${Math.round((performance.now() - started) / 1000)} s)`);
  process.stdout.write(`${tables.at(-1)}\n\n`);
}
if (options.jsonOut) await writeFile(options.jsonOut, `${JSON.stringify(results, null, 2)}\n`);
if (options.writeResults) {
  const intro = `${options.days} simulated days of 15-minute chains and nightly verifications on ${process.platform}/${process.arch} with Node ${process.version} (${cpus().length} cores). Generated by \`pnpm bench:storage --write-results\`; chain times are medians of the report day's 48 whole processes and 48 in-process runs, nightly verification times medians of the last seven nights.`;
  writeStorageResults(repoRoot, `${STORAGE_SECTION}\n\n${intro}\n\n${tables.join('\n\n')}\n`);
}

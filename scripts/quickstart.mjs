#!/usr/bin/env node
// The quick start's main-job step: generates a live demo workspace in demo/ (git-ignored,
// anchored at the current time so it always shows a live week), runs
// `obs-daily --observability --dry-run` there, and says where every output is.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSampleWorkspace } from './sample-workspace.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const demo = join(repo, 'demo');
const daily = join(repo, 'packages/daily-workflow/dist/bin/cli.js');
if (!existsSync(daily)) {
  process.stderr.write('obs-daily is not built; run `pnpm build` first.\n');
  process.exit(1);
}

rmSync(demo, { recursive: true, force: true });
const generated = await generateSampleWorkspace(demo);
cpSync(join(repo, 'configs'), join(demo, 'configs'), { recursive: true });
process.stderr.write(
  `Generated a demo workspace in ${relative(repo, demo)}/ anchored at ${generated.anchor}\n`,
);

const result = spawnSync(process.execPath, [daily, '--observability', '--dry-run', '--root', demo], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
process.stdout.write(result.stdout);

let chainJobId = '<job_id>';
try {
  chainJobId = JSON.parse(result.stdout).job_id;
} catch {
  // the summary is printed above as it came; the hint keeps its placeholder
}
const where = (path) => `  ${path.padEnd(54)} ${existsSync(join(demo, path)) ? '' : '(not written)'}`;
process.stderr.write(
  [
    '',
    `Outputs (under ${relative(repo, demo)}/):`,
    where('ops/automation_runs.log'),
    where('ops/latency_job_heartbeat.json'),
    where('ops/weekly_report_heartbeat.json'),
    where('ops/dashboard_export_heartbeat.json'),
    where('ops/signal_latency_rollup.csv'),
    where('out/latency_alerts/'),
    where('out/weekly_report/'),
    where('out/dashboard/manifest.json'),
    where('out/dashboard/index.html'),
    '',
    `Open the dashboard page: ${pathToFileURL(join(demo, 'out/dashboard/index.html')).href}`,
    `Trace the run: ./bin/obs-verify --root demo --job-id ${chainJobId} --require-job-entry`,
    '',
  ].join('\n'),
);
process.exit(result.status ?? 1);

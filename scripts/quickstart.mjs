#!/usr/bin/env node
// The quick start's main-job step: generates a live demo workspace in demo/ (git-ignored,
// anchored at the current time so it always shows a live week), runs
// `obs-daily --observability --dry-run` there, shows `obs-status` — the screen an operator starts
// from — and ends with the path of the dashboard page.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSampleWorkspace } from './sample-workspace.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const demo = join(repo, 'demo');
const binary = (name) => join(repo, 'bin', name);
if (!existsSync(join(repo, 'packages/daily-workflow/dist/bin/cli.js'))) {
  process.stderr.write('obs-daily is not built; run `pnpm build` first.\n');
  process.exit(1);
}

rmSync(demo, { recursive: true, force: true });
const generated = await generateSampleWorkspace(demo);
cpSync(join(repo, 'configs'), join(demo, 'configs'), { recursive: true });
process.stdout.write(
  `Generated a demo workspace in ${relative(repo, demo)}/ anchored at ${generated.anchor}\n\n`,
);

// The chain prints its summary for people on a terminal (the JSON on one line otherwise); the
// whole document goes to a file, for the chain's job id.
const scratch = mkdtempSync(join(tmpdir(), 'obs-quickstart-'));
const summaryFile = join(scratch, 'daily.json');
const chain = spawnSync(
  process.execPath,
  [binary('obs-daily'), '--observability', '--dry-run', '--root', demo, '--json-out', summaryFile],
  { stdio: 'inherit' },
);
let chainJobId = '<job_id>';
try {
  chainJobId = JSON.parse(readFileSync(summaryFile, 'utf8')).job_id;
} catch {
  // the summary was printed above as it came; the hint keeps its placeholder
}
rmSync(scratch, { recursive: true, force: true });

process.stdout.write('\n');
spawnSync(process.execPath, [binary('obs-status'), '--root', demo], { stdio: 'inherit' });

const page = join(demo, 'out/dashboard/index.html');
process.stdout.write(
  [
    '',
    'This was a dry run: nothing was sent or uploaded, so obs-status reports "dry runs only" —',
    'dry runs never count as success. Outputs are under demo/ (docs/runbook.md, "What each job writes").',
    '',
    `Trace the run:          ./bin/obs-verify --root demo --job-id ${chainJobId} --require-job-entry`,
    'Look again at any time: ./bin/obs-status --root demo',
    `Open the dashboard page: ${existsSync(page) ? pathToFileURL(page).href : '(not written)'}`,
    '',
  ].join('\n'),
);
process.exit(chain.status ?? 1);

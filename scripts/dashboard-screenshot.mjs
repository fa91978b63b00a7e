#!/usr/bin/env node
// Regenerates docs/images/dashboard-page.png, the README's picture of the dashboard page: a demo
// workspace from the seeded generator at a fixed anchor, `obs-daily --observability --dry-run`
// on it, and the top of the page it writes, drawn by headless Chromium at 1280 px.
// Usage: pnpm build && node scripts/dashboard-screenshot.mjs
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasChromium, launchHeadlessChromium } from './headless-chromium.mjs';
import { generateSampleWorkspace } from './sample-workspace.mjs';

const ANCHOR = '2026-11-24T12:10:00Z';
const WIDTH = 1280;
const HEIGHT = 1700;
const repo = fileURLToPath(new URL('..', import.meta.url));
const output = join(repo, 'docs/images/dashboard-page.png');
const daily = join(repo, 'packages/daily-workflow/dist/bin/cli.js');

if (!existsSync(daily)) throw new Error('obs-daily is not built; run `pnpm build` first');
if (!hasChromium()) throw new Error('/usr/bin/chromium is missing: apt-get install chromium');

const workspace = mkdtempSync(join(tmpdir(), 'obs-screenshot-'));
try {
  await generateSampleWorkspace(workspace, { anchor: ANCHOR });
  cpSync(join(repo, 'configs'), join(workspace, 'configs'), { recursive: true });
  const chain = spawnSync(
    process.execPath,
    [daily, '--observability', '--dry-run', '--root', workspace, '--now', ANCHOR],
    { encoding: 'utf8', env: { ...process.env, OBS_COMMIT_SHA: 'demo' } },
  );
  const page = join(workspace, 'out/dashboard/index.html');
  if (!existsSync(page)) throw new Error(`the chain wrote no page: ${chain.stdout}${chain.stderr}`);

  const browser = await launchHeadlessChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    // the page's own clock check would call a week-old demo out of date
    await tab.clock.setFixedTime(new Date(ANCHOR));
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector('html[data-charts-ready="true"]');
    await tab.screenshot({ path: output, clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${output}\n`);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

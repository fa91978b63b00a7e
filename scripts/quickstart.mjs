#!/usr/bin/env node
// Runs the main job on the workspace and says where the outputs are.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const daily = `${root}packages/daily-workflow/dist/cli.js`;
if (!existsSync(daily)) {
  console.error('obs-daily is not built yet; run `pnpm build` first.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [daily, '--observability', '--dry-run', '--root', root], { stdio: 'inherit' });
process.exit(result.status ?? 1);

#!/usr/bin/env node
// Bundles each CLI's compiled entry point into packages/<pkg>/dist/bin/, one ES module plus
// chunks for what is loaded lazily (undici, ajv, yaml, …). A 15-minute cron pays start-up on
// every run, and resolving a few hundred separate modules costs more than the work itself.
// Run after `tsc -b`; the package `bin` entries and bin/ point at these bundles. The CLIs are the
// job registry's, read from the compiled core.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { JOB_REGISTRY } from '../packages/automation-core/dist/job-registry.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** What `--version` prints: the release from package.json, the commit the build was made from. */
function buildInfo() {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  let commit = process.env.OBS_COMMIT_SHA || process.env.GITHUB_SHA || '';
  if (!commit) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    } catch {
      commit = 'unknown';
    }
  }
  return { version, commit: commit.slice(0, 12) };
}

/**
 * zod re-exports every message locale (`z.locales`) although it only uses English; keeping the
 * other sixty out of the bundle saves a third of the code parsed on every start.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
    }));
  },
};
export const CLI_PACKAGES = JOB_REGISTRY.map((job) => job.packageDir);
const BUILD_INFO = JSON.stringify(buildInfo());

await Promise.all(
  CLI_PACKAGES.map(async (name) => {
    const outdir = join(repo, 'packages', name, 'dist', 'bin');
    await rm(outdir, { recursive: true, force: true });
    await build({
      entryPoints: { cli: join(repo, 'packages', name, 'dist', 'cli.js') },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __obsCreateRequire } from 'node:module'; const require = __obsCreateRequire(import.meta.url);",
      },
      define: { __OBS_BUILD_INFO__: BUILD_INFO },
      plugins: [zodEnglishOnly],
      logLevel: 'warning',
      legalComments: 'none',
    });
  }),
);

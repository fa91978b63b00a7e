#!/usr/bin/env node
// Bundles each CLI's compiled entry point into packages/<pkg>/dist/bin/, one ES module plus
// chunks for what is loaded lazily (undici, ajv, yaml, …). A 15-minute cron pays start-up on
// every run, and resolving a few hundred separate modules costs more than the work itself.
// Run after `tsc -b`; the package `bin` entries and bin/ point at these bundles.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));

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
export const CLI_PACKAGES = ['latency-cli', 'weekly-cli', 'dashboard-cli', 'verify-cli', 'daily-workflow'];

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
      plugins: [zodEnglishOnly],
      logLevel: 'warning',
      legalComments: 'none',
    });
  }),
);

#!/usr/bin/env node
// Bundles each CLI's compiled entry point into packages/<pkg>/dist/bin/cli.js, one ES module,
// and the libraries it loads lazily (undici, ajv, yaml, …) into dist/bin/vendor/. A 15-minute
// cron pays start-up on every run, and loading a few hundred separate modules costs more than
// the work itself. Our own code is one file, not split into chunks: esbuild splits by which
// dynamic imports reach a module, and with one per job body and config schema a run loaded
// thirty to fifty small chunks. Unsplit, a module reached only through import() (the job
// bodies, the config schemas, zod) is still evaluated only when imported, so `--help` never
// evaluates zod. Run after `tsc -b`; the package `bin` entries and bin/ point at these bundles.
// The CLIs are the job registry's, read from the compiled core.
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

/** CommonJS dependencies bundled into an ES module still call require() for Node built-ins. */
const REQUIRE_BANNER = {
  js: "import { createRequire as __obsCreateRequire } from 'node:module'; const require = __obsCreateRequire(import.meta.url);",
};

/**
 * The libraries imported with `import()`, each bundled on its own into dist/bin/vendor/<name>.js
 * (shared code between them in chunks there): a run that never needs one never reads it. The
 * CommonJS ones are imported through `commonJsExports`, so their module exports are `default`.
 */
const VENDORED = {
  undici: { from: 'latency-cli', commonJs: true },
  nodemailer: { from: 'automation-core', commonJs: true },
  yaml: { from: 'automation-core', commonJs: true },
  'proper-lockfile': { from: 'automation-core', commonJs: true },
  'ajv/dist/2020.js': { from: 'automation-core', commonJs: true },
  'ajv/dist/standalone/index.js': { from: 'automation-core', commonJs: true },
  'ajv-formats': { from: 'automation-core', commonJs: true },
  'csv-parse': { from: 'automation-core', commonJs: false },
};
const vendorFile = (specifier) => `${specifier.replace(/\.js$/, '').replaceAll('/', '-')}.js`;

/** The CLI bundle imports each vendored library from its file, at run time, instead of inlining it. */
const vendoredExternal = {
  name: 'vendored-external',
  setup(builder) {
    builder.onResolve({ filter: /^[a-z@]/ }, (args) =>
      Object.hasOwn(VENDORED, args.path)
        ? { path: `./vendor/${vendorFile(args.path)}`, external: true }
        : undefined,
    );
  },
};

/** One entry module per vendored library, giving the exports the CLI code reads. */
const vendorEntries = {
  name: 'vendor-entries',
  setup(builder) {
    builder.onResolve({ filter: /^vendor-entry:/ }, (args) => ({
      path: args.path,
      namespace: 'vendor-entry',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'vendor-entry' }, (args) => {
      const specifier = args.path.slice('vendor-entry:'.length);
      const { from, commonJs } = VENDORED[specifier];
      return {
        contents: commonJs
          ? `export default require(${JSON.stringify(specifier)});`
          : `export * from ${JSON.stringify(specifier)};`,
        resolveDir: join(repo, 'packages', from),
        loader: 'js',
      };
    });
  },
};

/** The vendored libraries a bundle imports, each into its own file beside it. */
async function bundleVendored(outdir, specifiers) {
  if (specifiers.length === 0) return;
  await build({
    entryPoints: Object.fromEntries(
      specifiers.map((specifier) => [
        vendorFile(specifier).replace(/\.js$/, ''),
        `vendor-entry:${specifier}`,
      ]),
    ),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: REQUIRE_BANNER,
    plugins: [vendorEntries],
    logLevel: 'warning',
    legalComments: 'none',
  });
}

export const CLI_PACKAGES = JOB_REGISTRY.map((job) => job.packageDir);
const BUILD_INFO = JSON.stringify(buildInfo());

await Promise.all(
  CLI_PACKAGES.map(async (name) => {
    const outdir = join(repo, 'packages', name, 'dist', 'bin');
    await rm(outdir, { recursive: true, force: true });
    const { metafile } = await build({
      entryPoints: { cli: join(repo, 'packages', name, 'dist', 'cli.js') },
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: REQUIRE_BANNER,
      define: { __OBS_BUILD_INFO__: BUILD_INFO },
      plugins: [zodEnglishOnly, vendoredExternal],
      logLevel: 'warning',
      legalComments: 'none',
      metafile: true,
    });
    const imported = new Set(
      Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((entry) => entry.external).map((entry) => entry.path),
      ),
    );
    const vendored = Object.keys(VENDORED).filter((specifier) =>
      imported.has(`./vendor/${vendorFile(specifier)}`),
    );
    await bundleVendored(join(outdir, 'vendor'), vendored);
  }),
);

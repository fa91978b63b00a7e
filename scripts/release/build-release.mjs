#!/usr/bin/env node
// `pnpm release`: packs the built binaries into a versioned, self-contained tarball,
// dist-release/obs-automation-<version>.tar.gz, that scripts/install.sh installs with nothing but
// Node.js: the bundled CLI of every job of the registry, the files those bundles read from their
// installation at run time (schemas, precompiled validators, the dashboard page's assets and the
// few node_modules files loaded outside the bundles), the example configs, docs/deploy/, the
// runbook and the migration guide. Run after `pnpm build` (`pnpm release` does both).
// Usage: node scripts/release/build-release.mjs [--out <dir>]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { JOB_REGISTRY } from '../../packages/automation-core/dist/job-registry.js';
import { PAGE_ASSETS_DIR, UPLOT_FILES } from '../../packages/dashboard-cli/dist/page/page-assets.js';
import { collectRuntimeFiles, requiredSpecifiers } from './runtime-files.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values: flags } = parseArgs({
  options: { out: { type: 'string', default: join(repo, 'dist-release') } },
});
const out = flags.out;
const CORE = 'packages/automation-core';
const DASHBOARD = join('packages', JOB_REGISTRY.find((job) => job.name === 'dashboard').packageDir);

const rootManifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));

/** The release and commit every built binary reports: the release is what was built, nothing else. */
function builtVersion() {
  const reported = JOB_REGISTRY.map((job) => {
    const line = execFileSync(
      process.execPath,
      [join(repo, 'packages', job.packageDir, 'dist/bin/cli.js'), '--version'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const match = /^(\S+) (\S+) \(([^)]+)\)$/.exec(line);
    if (!match || match[1] !== job.binary)
      throw new Error(`${job.binary} --version printed ${JSON.stringify(line)}`);
    return { version: match[2], commit: match[3] };
  });
  const [first] = reported;
  if (reported.some((entry) => entry.version !== first.version || entry.commit !== first.commit)) {
    throw new Error(
      `the binaries were built from different sources: ${JSON.stringify(reported)}; run pnpm build`,
    );
  }
  if (first.version !== rootManifest.version) {
    throw new Error(
      `the binaries are release ${first.version}, package.json says ${rootManifest.version}; run pnpm build`,
    );
  }
  if (first.commit === 'unknown')
    throw new Error('the binaries were built outside git: set OBS_COMMIT_SHA and run pnpm build');
  return first;
}

/** Every file below `dir` (relative to the repository), recursively. */
async function filesBelow(dir) {
  const entries = await readdir(join(repo, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesBelow(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  );
  return nested.flat().sort();
}

/** The relative ES module imports of a compiled module, followed: the precompiled validators import core's date-time check. */
async function withRelativeImports(files, path) {
  if (files.has(path)) return;
  files.set(path, join(repo, path));
  const source = await readFile(join(repo, path), 'utf8');
  for (const match of source.matchAll(/\bfrom\s+(['"])(\.{1,2}\/[^'"]+)\1/g)) {
    await withRelativeImports(files, join(dirname(path), match[2]));
  }
}

/** release path → source path of everything the release holds besides the generated files. */
async function releaseFiles() {
  const files = new Map();
  const addAll = (paths) => {
    for (const path of paths) files.set(path, join(repo, path));
  };
  for (const job of JOB_REGISTRY) {
    addAll(await filesBelow(join('packages', job.packageDir, 'dist/bin')));
    addAll([join('bin', job.binary)]);
  }
  const validators = (await filesBelow(join(CORE, 'dist/validators'))).filter((path) => path.endsWith('.js'));
  for (const validator of validators) {
    await withRelativeImports(files, validator);
    for (const specifier of await requiredSpecifiers(join(repo, validator))) {
      await collectRuntimeFiles(files, join(repo, validator), specifier, { follow: true });
    }
  }
  // diagnostics-logger.ts loads pino from the core package on first use.
  await collectRuntimeFiles(files, join(repo, CORE, 'package.json'), 'pino', { follow: true });
  // page-assets.ts reads uPlot's files from the dashboard package's node_modules.
  for (const file of Object.values(UPLOT_FILES)) {
    await collectRuntimeFiles(files, join(repo, DASHBOARD, 'package.json'), `uplot/${file}`, {
      follow: false,
    });
  }
  addAll(await filesBelow(join(DASHBOARD, PAGE_ASSETS_DIR)));
  addAll((await filesBelow('schemas')).filter((path) => path.endsWith('.json')));
  addAll((await filesBelow('configs/observability')).filter((path) => path.endsWith('.yaml')));
  addAll(await filesBelow('docs/deploy'));
  addAll(['docs/runbook.md', 'docs/migration.md', 'scripts/install.sh']);
  return files;
}

/** package.json files as the installation needs them: the module type, and the versions the core reads. */
function generatedFiles(build, files) {
  const manifest = (name) =>
    `${JSON.stringify({ name, version: build.version, private: true, type: 'module' }, null, 2)}\n`;
  const generated = new Map([
    [
      'package.json',
      `${JSON.stringify({ name: rootManifest.name, version: build.version, private: true, type: 'module', engines: rootManifest.engines }, null, 2)}\n`,
    ],
    [join(CORE, 'package.json'), manifest('@obs-automation/core')],
    ...JOB_REGISTRY.map((job) => [
      join('packages', job.packageDir, 'package.json'),
      manifest(`@obs-automation/${job.packageDir}`),
    ]),
    ['VERSION', `${build.version}\n`],
    [
      'BUILD_INFO.json',
      `${JSON.stringify(
        {
          name: rootManifest.name,
          release: build.version,
          commit: build.commit,
          node: rootManifest.engines.node,
          binaries: JOB_REGISTRY.map((job) => job.binary),
        },
        null,
        2,
      )}\n`,
    ],
  ]);
  for (const path of generated.keys()) {
    if (files.has(path)) throw new Error(`${path} is both copied and generated`);
  }
  return generated;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Writes the release folder; returns the FILES.sha256 lines (sha256sum's format). */
async function stage(folder, files, generated) {
  await rm(folder, { recursive: true, force: true });
  const lines = [];
  for (const [path, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
    await chmod(target, (await stat(source)).mode & 0o111 ? 0o755 : 0o644);
    lines.push(`${sha256(await readFile(target))}  ${path}`);
  }
  for (const [path, text] of generated) {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), text, { mode: 0o644 });
    lines.push(`${sha256(text)}  ${path}`);
  }
  lines.sort((a, b) => a.slice(66).localeCompare(b.slice(66)));
  await writeFile(join(folder, 'FILES.sha256'), `${lines.join('\n')}\n`, { mode: 0o644 });
  return lines;
}

/** The commit's time, so that the same commit gives a byte-identical tarball. */
function commitEpoch(commit) {
  if (process.env.SOURCE_DATE_EPOCH) return process.env.SOURCE_DATE_EPOCH;
  try {
    return execFileSync('git', ['show', '-s', '--format=%ct', commit], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  } catch {
    return '0';
  }
}

const build = builtVersion();
const name = `obs-automation-${build.version}`;
const folder = join(out, name);
const files = await releaseFiles();
const lines = await stage(folder, files, generatedFiles(build, files));
const tar = execFileSync(
  'tar',
  [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    `--mtime=@${commitEpoch(build.commit)}`,
    '-cf',
    '-',
    name,
  ],
  { cwd: out, maxBuffer: 512 * 1024 * 1024 },
);
const tarball = join(out, `${name}.tar.gz`);
const gzipped = gzipSync(tar, { level: 9 });
await writeFile(tarball, gzipped);
await writeFile(`${tarball}.sha256`, `${sha256(gzipped)}  ${name}.tar.gz\n`);
process.stdout.write(
  `${JSON.stringify({
    release: build.version,
    commit: build.commit,
    tarball: relative(process.cwd(), tarball) || tarball,
    tarball_path: tarball,
    folder,
    bytes: gzipped.length,
    files: lines.length + 1,
    sha256: sha256(gzipped),
  })}\n`,
);

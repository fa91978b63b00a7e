import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliResult, REPO_ROOT, runProcess } from './cli-process.js';

const execFileAsync = promisify(execFile);

/** The deployment's paths as docs/deploy/ writes them; tests replace them with their own. */
export const DEPLOYED = {
  prefix: '/srv/obs-automation',
  research: '/srv/research',
  envFile: '/etc/obs-automation/env',
} as const;

/** What scripts/release/build-release.mjs reports. */
export interface BuiltRelease {
  release: string;
  commit: string;
  /** the tarball, absolute */
  tarball_path: string;
  /** the unpacked release folder beside it */
  folder: string;
  bytes: number;
  files: number;
}

/** Builds the release tarball of the current build (`pnpm build` ran) into `out`. */
export async function buildRelease(out: string): Promise<BuiltRelease> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [join(REPO_ROOT, 'scripts/release/build-release.mjs'), '--out', out],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as BuiltRelease;
}

/**
 * A PATH holding every tool of this machine except pnpm, as a host that never had the
 * development tooling: links to /usr/local/bin, /usr/bin and /bin in `dir`.
 */
export async function pathWithoutPnpm(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const folder of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      if (name === 'pnpm' || name === 'pnpx' || existsSync(join(dir, name))) continue;
      await symlink(join(folder, name), join(dir, name));
    }
  }
  return dir;
}

/** Runs a command line with bash (or `shell`), exactly as a scheduler would hand it over. */
export function runShell(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; shell?: string },
): Promise<CliResult> {
  return runProcess(options.shell ?? '/bin/bash', ['-c', command], options);
}

/** The account of the test process: stands in for the deployment's `obs` account. */
export function currentUser(): string {
  return userInfo().username;
}

/** A file of docs/deploy/, as written. */
export function deployFile(name: string): string {
  return readFileSync(join(REPO_ROOT, 'docs/deploy', name), 'utf8');
}

/** The deployment's paths in a document replaced by a test's: `/srv/obs-automation` → prefix, … */
export function withPaths(text: string, paths: Readonly<Record<string, string>>): string {
  let result = text;
  for (const [from, to] of Object.entries(paths)) result = result.replaceAll(from, to);
  return result;
}

/** The fenced `sh` block under a Markdown heading. */
export function shellBlockUnder(markdown: string, heading: string): string {
  const section = markdown.split(`\n${heading}\n`)[1];
  const block = section ? /```sh\n([\s\S]*?)```/.exec(section)?.[1] : undefined;
  if (!block) throw new Error(`no sh block under ${heading}`);
  return block;
}

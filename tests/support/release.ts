import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli-process.js';

const execFileAsync = promisify(execFile);

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

/** A temporary folder for one test file; remove it with the returned cleanup. */
export async function scratchFolder(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
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

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line with bash, exactly as a scheduler would hand it over. */
export function runShell(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; shell?: string },
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.shell ?? '/bin/bash', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
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

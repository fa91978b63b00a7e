import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_REGISTRY, type JobName } from '../../packages/automation-core/src/job-registry.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built binary of a package (the bundle its `bin` entry names). */
export const binaryOf = (packageDir: string) => join(REPO_ROOT, 'packages', packageDir, 'dist/bin/cli.js');

/** The built binaries of the job registry, run as real processes. */
export const BIN = Object.fromEntries(JOB_REGISTRY.map((job) => [job.name, binaryOf(job.packageDir)])) as {
  readonly [name in JobName]: string;
};

export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document every CLI prints (throws if it is not exactly one) */
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk summaries of every shape
  json<T = Record<string, any>>(): T;
}

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** Environment for a CLI under test: no inherited OBS_* settings unless a test sets them. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OBS_') && !['GITHUB_SHA', 'CI_COMMIT_SHA', 'GITHUB_ACTIONS'].includes(key))
      env[key] = value;
  }
  return { ...env, OBS_COMMIT_SHA: 'test-sha', ...extra };
}

export function runCli(
  binary: string,
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  return runProcess(process.execPath, [binary, ...args], options);
}

/** Runs any program as a real process: its exit, its output, stdin fed from `input`. */
export function runProcess(
  program: string,
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    // A child that exits without reading its input (a shell's one-liner) closes the pipe first.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stdout,
        stderr,
        json<T>() {
          return JSON.parse(stdout) as T;
        },
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary workspace folder; remove it with the returned cleanup. */
export async function makeWorkspace(
  prefix = 'obs-e2e-',
): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * A fresh temporary workspace holding a copy of `template` (file times kept), for tests that
 * start from the same expensive state: build it once, copy it per test.
 */
export async function copyWorkspace(
  template: string,
  prefix = 'obs-e2e-',
): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const workspace = await makeWorkspace(prefix);
  await cp(template, workspace.root, { recursive: true, preserveTimestamps: true });
  return workspace;
}

/** The earlier tooling's files, present beside the checkout in CI; tests skip visibly without them. */
export const REFERENCE_WORKSPACE = join(REPO_ROOT, '../shared/data/reference-workspace');

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnv, REPO_ROOT } from '../support/cli-process.js';

const CORE_DIR = join(REPO_ROOT, 'packages/automation-core');

/** Test programs that run on the built core (build it with `npx tsc -b packages/automation-core`). */
export const SAMPLE_JOB = join(CORE_DIR, 'src/test-support/sample-job.mjs');
export const APPEND_LOG = join(CORE_DIR, 'src/test-support/append-log.mjs');
export const ATOMIC_WRITE_LOOP = join(CORE_DIR, 'src/test-support/atomic-write-loop.mjs');
export const CORE_DIST = join(CORE_DIR, 'dist/index.js');

export interface StartedProcess {
  child: ChildProcess;
  /** resolves when the process has exited, with everything it printed */
  done: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts a program under test without waiting for it, for tests that signal or kill it. */
export function startProcess(script: string, args: readonly string[], env = cleanEnv()): StartedProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Awaited<StartedProcess['done']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Polls until `condition` holds; fails the test with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const pathExists = (path: string) => () => existsSync(path);

export interface LoggedEntry {
  job_id: string;
  job_name: string;
  status: string;
  sequence?: number;
  diagnostics: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * The run log's lines, each checked to be whole, valid JSON and valid against the bundled
 * schema (through the built core's validator, as production validates).
 */
export async function readRunLog(path: string): Promise<LoggedEntry[]> {
  const text = await readFile(path, 'utf8');
  if (!text.endsWith('\n')) throw new Error(`${path} does not end with a newline: its last line is torn`);
  const { bundledSchemaPath, formatSchemaIssues, schemaValidator } = (await import(
    CORE_DIST
  )) as typeof import('../../packages/automation-core/dist/index.js');
  const validate = await schemaValidator(bundledSchemaPath('automation_run.schema.json'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const entry = JSON.parse(line) as LoggedEntry;
      const issues = validate(entry);
      if (issues.length > 0) throw new Error(`${path}:${index + 1}: ${formatSchemaIssues(issues)}`);
      return entry;
    });
}

export const sequencesOf = (entries: readonly LoggedEntry[]): number[] =>
  entries.flatMap((entry) => (entry.sequence === undefined ? [] : [entry.sequence]));
